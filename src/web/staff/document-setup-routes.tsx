import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { activityRequirements, setActivityRequirements } from '../../modules/document-space/activity-requirements.js';
import {
  addDocumentType,
  type DocumentType,
  type DocumentTypeError,
  listDocumentTypes,
  setDocumentTypeActive,
  VALIDITIES,
} from '../../modules/document-space/document-types.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { ChoiceGroup } from '../components/dsfr/choice-group.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { Table } from '../components/dsfr/table.js';
import { validityText } from '../components/required-documents.js';
import { StatusBadge } from '../components/status-badge.js';
import { errorMessages, FIELD_ERROR_KEYS } from '../forms.js';
import { requireStaff } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { Form, formList, formValues } from '../page-input.js';
import { useCanChange } from './staff-access.js';
import { IdParams, NoticeQuery } from './staff-input.js';

export const TYPES_PATH = '/gestion/documents/types';

const TYPE_ERROR_KEYS: Record<DocumentTypeError, MessageKey> = { ...FIELD_ERROR_KEYS, taken: 'staffDocuments.types.taken' };

/** A kind withdrawn (`retirer`) or asked for again. */
const ActiveBody = Type.Intersect([Type.Object({ act: Type.Union([Type.Literal('retirer'), Type.Literal('retablir')]) }), Form]);

/** The kinds of documents the authority asks for, and which each activity asks for. */
export function staffDocumentSetupRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    const showTypes = async (
      request: FastifyRequest,
      reply: FastifyReply,
      values: Record<string, string>,
      errors: Record<string, string | undefined>,
      status = 200,
    ) => {
      const types = await request.inScope((scope) => listDocumentTypes(scope));
      const added = (request.query as { fait?: string }).fait === 'ajoute';
      return reply.page(request.t('staffDocuments.types.title'), <TypesPage types={types} values={values} errors={errors} added={added} />, status);
    };

    app.get(TYPES_PATH, { preHandler: requireStaff(), schema: { querystring: NoticeQuery } }, async (request, reply) => showTypes(request, reply, {}, {}));

    app.post(TYPES_PATH, { preHandler: requireStaff('manager'), schema: { body: Form } }, async (request, reply) => {
      const form = formValues(request.body);
      const outcome = await request.inScope((scope) =>
        addDocumentType(scope, { label: form.libelle, validity: form.validite, months: form.mois, perChild: form.parEnfant === 'oui' }),
      );
      if (outcome.kind === 'added') return reply.redirect(`${request.base}${TYPES_PATH}?fait=ajoute`);
      if (outcome.kind !== 'invalid') return reply.errorPage(outcome.kind === 'forbidden' ? 'forbidden' : 'notFound');
      const { label, validity, months } = errorMessages(request.t, outcome.errors, TYPE_ERROR_KEYS);
      return showTypes(request, reply, form, { libelle: label, validite: validity, mois: months }, 400);
    });

    app.post(`${TYPES_PATH}/:id`, { preHandler: requireStaff('manager'), schema: { params: IdParams, body: ActiveBody } }, async (request, reply) => {
      const result = await request.inScope((scope) => setDocumentTypeActive(scope, request.params.id, request.body.act !== 'retirer'));
      if (result !== 'done') return reply.callNotFound();
      return reply.redirect(`${request.base}${TYPES_PATH}`);
    });

    app.get(
      '/gestion/activites/:id/documents',
      { preHandler: requireStaff(), schema: { params: IdParams, querystring: NoticeQuery } },
      async (request, reply) => {
        const data = await request.inScope(async (scope) => ({
          activity: await activityRequirements(scope, request.params.id),
          types: await listDocumentTypes(scope, { activeOnly: true }),
        }));
        if (!data.activity) return reply.callNotFound();
        const page = (
          <RequirementsPage activityId={request.params.id} activity={data.activity} types={data.types} saved={request.query.fait === 'enregistre'} />
        );
        return reply.page(request.t('staffDocuments.requirements.title', { activity: data.activity.name }), page);
      },
    );

    app.post('/gestion/activites/:id/documents', { preHandler: requireStaff('manager'), schema: { params: IdParams, body: Form } }, async (request, reply) => {
      const { id } = request.params;
      const result = await request.inScope((scope) => setActivityRequirements(scope, id, formList(request.body, 'types')));
      if (result !== 'done') return reply.callNotFound();
      return reply.redirect(`${request.base}/gestion/activites/${id}/documents?fait=enregistre`);
    });
  };
}

function TypesPage(props: { types: DocumentType[]; values: Record<string, string>; errors: Record<string, string | undefined>; added: boolean }) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  const { values, errors } = props;
  const labels = { libelle: t('staffDocuments.types.label'), validite: t('staffDocuments.types.validity'), mois: t('staffDocuments.types.months') };
  return (
    <>
      <h1>{t('staffDocuments.types.title')}</h1>
      {props.added && (
        <Alert kind="success" small announce>
          {t('staffDocuments.types.added')}
        </Alert>
      )}
      <p>{t('staffDocuments.types.intro')}</p>
      {props.types.length === 0 ? (
        <p>{t('staffDocuments.types.none')}</p>
      ) : (
        <Table caption={t('staffDocuments.types.title')} noCaption>
          <thead>
            <tr>
              <th scope="col">{labels.libelle}</th>
              <th scope="col">{labels.validite}</th>
              <th scope="col">{t('staffDocuments.types.askedOf')}</th>
              <th scope="col">{t('staffDocuments.state')}</th>
              {canChange && <th scope="col">{t('staff.news.actions')}</th>}
            </tr>
          </thead>
          <tbody>
            {props.types.map((type) => (
              <tr key={type.id}>
                <td>{type.label}</td>
                <td>{validityText(t, type) ?? t('staffDocuments.types.always')}</td>
                <td>{t(type.perChild ? 'staffDocuments.types.eachChild' : 'staffDocuments.types.household')}</td>
                <td>
                  <StatusBadge tone={type.active ? 'success' : 'info'} label={type.active ? 'staffDocuments.types.active' : 'staffDocuments.types.withdrawn'} />
                </td>
                {canChange && (
                  <td>
                    <form method="post" action={href(page, `${TYPES_PATH}/${type.id}`)}>
                      <CsrfField />
                      <Button name="act" value={type.active ? 'retirer' : 'retablir'} variant="tertiary" class="fr-btn--sm">
                        {t(type.active ? 'staffDocuments.types.withdraw' : 'staffDocuments.types.restore')}
                        <span class="fr-sr-only"> — {type.label}</span>
                      </Button>
                    </form>
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </Table>
      )}
      {canChange && (
        <div class="fr-grid-row">
          <div class="fr-col-12 fr-col-md-8">
            <h2>{t('staffDocuments.types.new')}</h2>
            <ErrorSummary errors={errors} labels={labels} />
            <form method="post" action={href(page, TYPES_PATH)} novalidate>
              <CsrfField />
              <Input
                name="libelle"
                label={labels.libelle}
                hint={t('staffDocuments.types.labelHint')}
                value={values.libelle}
                error={errors.libelle}
                required
                maxLength={100}
              />
              <ChoiceGroup
                type="radio"
                name="validite"
                legend={labels.validite}
                choices={VALIDITIES.map((validity) => ({ value: validity, label: t(`staffDocuments.types.validity.${validity}`) }))}
                chosen={[values.validite ?? 'none']}
                error={errors.validite}
              />
              <Input name="mois" label={labels.mois} hint={t('staffDocuments.types.monthsHint')} value={values.mois} error={errors.mois} inputMode="numeric" />
              <div class="fr-checkbox-group fr-mb-3w">
                <input type="checkbox" id="parEnfant" name="parEnfant" value="oui" checked={values.parEnfant === 'oui'} aria-describedby="parEnfant-hint" />
                <label class="fr-label" for="parEnfant">
                  {t('staffDocuments.types.perChild')}
                  <span class="fr-hint-text" id="parEnfant-hint">
                    {t('staffDocuments.types.perChildHint')}
                  </span>
                </label>
              </div>
              <Button icon="fr-icon-add-line">{t('staffDocuments.types.add')}</Button>
            </form>
          </div>
        </div>
      )}
    </>
  );
}

function RequirementsPage(props: { activityId: string; activity: { name: string; typeIds: string[] }; types: DocumentType[]; saved: boolean }) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  const chosen = props.types.filter((type) => props.activity.typeIds.includes(type.id));
  return (
    <>
      <p class="fr-mb-1w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, `/gestion/activites/${props.activityId}`)}>
          {props.activity.name}
        </a>
      </p>
      <h1>{t('staffDocuments.requirements.title', { activity: props.activity.name })}</h1>
      {props.saved && (
        <Alert kind="success" small announce>
          {t('staffDocuments.requirements.saved')}
        </Alert>
      )}
      <p>{t('staffDocuments.requirements.intro')}</p>
      {props.types.length === 0 ? (
        <p>
          {t('staffDocuments.types.none')} <a href={href(page, TYPES_PATH)}>{t('staffDocuments.types.title')}</a>
        </p>
      ) : canChange ? (
        <form method="post" action={href(page, `/gestion/activites/${props.activityId}/documents`)}>
          <CsrfField />
          <ChoiceGroup
            type="checkbox"
            name="types"
            legend={t('staffDocuments.requirements.legend')}
            choices={props.types.map((type) => ({ value: type.id, label: [type.label, validityText(t, type)].filter(Boolean).join(' — ') }))}
            chosen={props.activity.typeIds}
          />
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button icon="fr-icon-save-line">{t('setup.save')}</Button>
            </li>
            <li>
              <ButtonLink href={href(page, TYPES_PATH)} variant="secondary">
                {t('staffDocuments.types.title')}
              </ButtonLink>
            </li>
          </ul>
        </form>
      ) : chosen.length === 0 ? (
        <p>{t('staffDocuments.requirements.none')}</p>
      ) : (
        <ul>
          {chosen.map((type) => (
            <li key={type.id}>{type.label}</li>
          ))}
        </ul>
      )}
    </>
  );
}
