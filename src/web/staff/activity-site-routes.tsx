import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { MessageKey } from '../../i18n/catalogue.js';
import { getSite, listSites, saveSite, SITE_KINDS, type Site, type SiteField } from '../../modules/activities/site-admin.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { isUuid } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { ACTIVITIES_PATH, forbidden, noticeOf, notFound, one, SetupTable, setupForm, setupMessages, type FormValues } from './activity-common.js';
import { useCanChange } from './staff-access.js';

const SITES_PATH = `${ACTIVITIES_PATH}/sites`;

/** Sites where activities happen: list, create, change. */
export function staffActivitySiteRoutes(): FastifyPluginAsync {
  return async (app) => {
    const manager = { preHandler: requireStaff('manager') };

    app.get(SITES_PATH, { preHandler: requireStaff() }, async (request, reply) => {
      const sites = await request.inScope((scope) => listSites(scope));
      return reply.page(request.t('setup.sites.title'), <SiteListPage sites={sites} notice={noticeOf(request.t, request.query)} />);
    });

    const formPage = (request: FastifyRequest, reply: FastifyReply, id: string | undefined, values: FormValues, errors: Partial<Record<SiteField, string>> = {}) =>
      reply.page(request.t(id ? 'setup.sites.editTitle' : 'setup.sites.addTitle'), <SiteFormPage id={id} values={values} errors={errors} />, Object.keys(errors).length > 0 ? 400 : 200);

    const submit = async (request: FastifyRequest, reply: FastifyReply, id: string | undefined) => {
      const form = setupForm(request);
      const result = await request.inScope((scope) => saveSite(scope, id ?? null, form));
      if (result.kind === 'saved') return reply.redirect(`${request.base}${SITES_PATH}?fait=enregistre`);
      if (result.kind === 'not_found') return notFound(request, reply);
      if (result.kind === 'forbidden') return forbidden(request, reply);
      return formPage(request, reply, id, form, setupMessages(request.t, result.errors));
    };

    app.get(`${SITES_PATH}/nouveau`, manager, async (request, reply) => formPage(request, reply, undefined, { kind: 'school' }));
    app.post(`${SITES_PATH}/nouveau`, manager, async (request, reply) => submit(request, reply, undefined));

    app.get(`${SITES_PATH}/:id`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      const site = isUuid(id) ? await request.inScope((scope) => getSite(scope, id)) : null;
      if (!site) return notFound(request, reply);
      return formPage(request, reply, id, { name: site.name, kind: site.kind, address: site.address ?? '' });
    });

    app.post(`${SITES_PATH}/:id`, manager, async (request, reply) => {
      const { id } = request.params as { id: string };
      if (!isUuid(id)) return notFound(request, reply);
      return submit(request, reply, id);
    });
  };
}

function SiteListPage(props: { sites: Site[]; notice: { kind: 'success' | 'error'; text: string } | null }) {
  const page = usePage();
  const { t } = page;
  const canEdit = useCanChange();
  return (
    <>
      <nav class="fr-mb-2w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, ACTIVITIES_PATH)}>{t('setup.activities.backToList')}</a></nav>
      <h1>{t('setup.sites.title')}</h1>
      {props.notice && <Alert kind={props.notice.kind} small announce>{props.notice.text}</Alert>}
      <p>{t('setup.sites.intro')}</p>
      {canEdit && <p><ButtonLink href={href(page, `${SITES_PATH}/nouveau`)} icon="fr-icon-add-line">{t('setup.sites.add')}</ButtonLink></p>}
      {props.sites.length === 0 ? <p>{t('setup.sites.none')}</p> : (
        <SetupTable caption={t('setup.sites.title')} headers={[t('setup.field.name'), t('setup.field.siteKind'), t('setup.field.address'), t('setup.sites.activities'), ...(canEdit ? [t('setup.actions')] : [])]}>
          {props.sites.map((site) => (
            <tr key={site.id}>
              <td>{site.name}</td>
              <td>{t(`setup.siteKind.${site.kind}` as MessageKey)}</td>
              <td class="pf-pre">{site.address ?? '—'}</td>
              <td>{site.activityCount}</td>
              {canEdit && <td><a class="fr-link" href={href(page, `${SITES_PATH}/${site.id}`)}>{t('setup.edit')}<span class="fr-sr-only"> — {site.name}</span></a></td>}
            </tr>
          ))}
        </SetupTable>
      )}
    </>
  );
}

function SiteFormPage(props: { id?: string | undefined; values: FormValues; errors: Partial<Record<SiteField, string>> }) {
  const page = usePage();
  const { t } = page;
  const labels: Record<SiteField, string> = { name: t('setup.field.name'), kind: t('setup.field.siteKind'), address: t('setup.field.address') };
  return (
    <>
      <nav class="fr-mb-2w"><a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, SITES_PATH)}>{t('setup.back')}</a></nav>
      <h1>{t(props.id ? 'setup.sites.editTitle' : 'setup.sites.addTitle')}</h1>
      <div class="fr-grid-row">
        <div class="fr-col-12 fr-col-md-8">
          <ErrorSummary errors={props.errors} labels={labels} />
          <form method="post" action={href(page, props.id ? `${SITES_PATH}/${props.id}` : `${SITES_PATH}/nouveau`)} novalidate>
            <CsrfField />
            <Input name="name" label={labels.name} value={one(props.values, 'name')} error={props.errors.name} required maxLength={200} />
            <Select name="kind" label={labels.kind} value={one(props.values, 'kind')} error={props.errors.kind} required
              options={SITE_KINDS.map((kind) => ({ value: kind, label: t(`setup.siteKind.${kind}` as MessageKey) }))} />
            <Textarea name="address" label={labels.address} value={one(props.values, 'address')} error={props.errors.address} rows={3} />
            <Button icon="fr-icon-save-line">{t('setup.save')}</Button>
          </form>
        </div>
      </div>
    </>
  );
}
