import { getSite, listSites, saveSite, SITE_KINDS, type Site, type SiteField } from '../../modules/activities/site-admin.js';
import { Alert } from '../components/dsfr/alert.js';
import { ButtonLink } from '../components/dsfr/button.js';
import { Input } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { Textarea } from '../components/dsfr/textarea.js';
import { formValues } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import {
  ACTIVITIES_PATH,
  BackLink,
  type FormValues,
  type Notice,
  noticeOf,
  one,
  SetupFormFrame,
  setupMessages,
  setupNotice,
  SetupTable,
} from './activity-common.js';
import { OF_AUTHORITY, type SetupEditor } from './setup-editor.js';
import { useCanChange } from './staff-access.js';

const SITES_PATH = `${ACTIVITIES_PATH}/sites`;

/** Sites where activities happen: list, create, change. */
export const siteEditor: SetupEditor<null, SiteField, { values: FormValues }> = {
  path: SITES_PATH,
  parent: OF_AUTHORITY,
  added: 'nouveau',
  titles: { add: 'setup.sites.addTitle', edit: 'setup.sites.editTitle' },
  list: { title: 'setup.sites.title', render: async (scope, done, t) => <SiteListPage sites={await listSites(scope)} notice={noticeOf(t, done)} /> },
  async load(scope, { itemId }, typed) {
    if (typed) return { values: typed };
    if (!itemId) return { values: { kind: 'school' } };
    const site = await getSite(scope, itemId);
    return site && { values: { name: site.name, kind: site.kind, address: site.address ?? '' } };
  },
  form: (view, { itemId }, errors) => <SiteFormPage id={itemId} values={view.values} errors={errors} />,
  save: (scope, { itemId }, form) => saveSite(scope, itemId, formValues(form)),
  messages: setupMessages,
  back: (_at, done) => `${SITES_PATH}?fait=${setupNotice(done)}`,
};

function SiteListPage(props: { sites: Site[]; notice: Notice | null }) {
  const page = usePage();
  const { t } = page;
  const canEdit = useCanChange();
  return (
    <>
      <BackLink path={ACTIVITIES_PATH} label={t('setup.activities.backToList')} />
      <h1>{t('setup.sites.title')}</h1>
      {props.notice && (
        <Alert kind={props.notice.kind} small announce>
          {props.notice.text}
        </Alert>
      )}
      <p>{t('setup.sites.intro')}</p>
      {canEdit && (
        <p>
          <ButtonLink href={href(page, `${SITES_PATH}/nouveau`)} icon="fr-icon-add-line">
            {t('setup.sites.add')}
          </ButtonLink>
        </p>
      )}
      {props.sites.length === 0 ? (
        <p>{t('setup.sites.none')}</p>
      ) : (
        <SetupTable
          caption={t('setup.sites.title')}
          headers={[
            t('setup.field.name'),
            t('setup.field.siteKind'),
            t('setup.field.address'),
            t('setup.sites.activities'),
            ...(canEdit ? [t('setup.actions')] : []),
          ]}
        >
          {props.sites.map((site) => (
            <tr key={site.id}>
              <td>{site.name}</td>
              <td>{t(`setup.siteKind.${site.kind}`)}</td>
              <td class="pf-pre">{site.address ?? '—'}</td>
              <td>{site.activityCount}</td>
              {canEdit && (
                <td>
                  <a class="fr-link" href={href(page, `${SITES_PATH}/${site.id}`)}>
                    {t('setup.edit')}
                    <span class="fr-sr-only"> — {site.name}</span>
                  </a>
                </td>
              )}
            </tr>
          ))}
        </SetupTable>
      )}
    </>
  );
}

function SiteFormPage(props: { id: string | null; values: FormValues; errors: Partial<Record<SiteField, string>> }) {
  const page = usePage();
  const { t } = page;
  const labels: Record<SiteField, string> = { name: t('setup.field.name'), kind: t('setup.field.siteKind'), address: t('setup.field.address') };
  return (
    <SetupFormFrame
      back={<BackLink path={SITES_PATH} label={t('setup.back')} />}
      title={t(props.id ? 'setup.sites.editTitle' : 'setup.sites.addTitle')}
      errors={props.errors}
      labels={labels}
      action={props.id ? `${SITES_PATH}/${props.id}` : `${SITES_PATH}/nouveau`}
    >
      <Input name="name" label={labels.name} value={one(props.values, 'name')} error={props.errors.name} required maxLength={200} />
      <Select
        name="kind"
        label={labels.kind}
        value={one(props.values, 'kind')}
        error={props.errors.kind}
        required
        options={SITE_KINDS.map((kind) => ({ value: kind, label: t(`setup.siteKind.${kind}`) }))}
      />
      <Textarea name="address" label={labels.address} value={one(props.values, 'address')} error={props.errors.address} rows={3} />
    </SetupFormFrame>
  );
}
