import type { FastifyReply, FastifyRequest } from 'fastify';
import { type Static, Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { changeRecordSection, checkContext, pendingFieldValues } from '../../modules/households/change-requests.js';
import { currentValue, getHouseholdRecord, memberFor } from '../../modules/households/household-record.js';
import { fieldsOf, policyOf, type FieldPolicy, type RecordSection, type StoredValue } from '../../modules/households/record-fields.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { inputText, RecordSectionFields } from '../components/record-section-form.js';
import { fieldLabel } from '../components/record-value.js';
import { fieldMessages, formBody, refusedFields } from '../forms.js';
import { href, usePage } from '../page-context.js';
import { personName } from './record-page.js';

/**
 * The record being edited and the page that shows it: the family's own (`/mon-compte`,
 * `/mes-enfants`) or any household's file in the back office (`/gestion/foyers/<id>`). The editors
 * take them from their routes, never from the session, so families and staff share one code path.
 */
export interface RecordPlace {
  householdId: string;
  /** The page listing the record, where the person goes back after saving, with a notice. */
  backPath: string;
}

/** Which section: the household's own fields (personId null), or one adult's or child's. */
export interface SectionTarget {
  section: RecordSection;
  personId: string | null;
}

interface SectionPage {
  heading: string;
  /** A staff member edits: every change applies at once, so no policy is shown per field. */
  staff: boolean;
  backPath: string;
}

/**
 * Shows the edit form of one section, or saves it through the module, which decides what applies:
 * for staff every change applies at once; for a family the fields the tenant lets it change apply,
 * the rest becomes a request. Then back to the record with a notice saying which happened.
 */
export async function handleSectionEdit(request: FastifyRequest, reply: FastifyReply, place: RecordPlace, target: SectionTarget) {
  const { householdId } = place;
  const tenant = request.tenant!;
  const staff = request.session!.account.kind === 'staff';
  // First: an address its schema refused answers 404 (400 for a query) before anything is read.
  const refused = refusedFields(request);
  const isPost = request.method === 'POST';
  const form = isPost ? formBody(request) : {};
  const outcome = await request.inScope(async (scope) => {
    const record = await getHouseholdRecord(scope, householdId);
    if (!record) return null;
    const fields = fieldsOf(target.section);
    const subjectKind = fields[0]!.target;
    const member = target.personId && subjectKind !== 'household' ? memberFor(record, target.personId, subjectKind) : undefined;
    if (subjectKind === 'household' ? target.personId !== null : !member) return null;
    const saved =
      isPost && !refused
        ? await changeRecordSection(scope, tenant.settings, checkContext(tenant.settings, localDate(scope.now, tenant.time_zone)), {
            householdId,
            personId: target.personId,
            section: target.section,
            form,
          })
        : null;
    const pending = (await pendingFieldValues(scope, householdId)).get(target.personId ?? 'household');
    const values = Object.fromEntries(fields.map((def) => [def.key, inputText(def, currentValue(record, def, target.personId))]));
    // Whose section it is: the person's name, or for staff, who may edit many households, the household's.
    const whose = member ? personName(member) : staff ? record.household.name : null;
    return { saved, pending, values, whose };
  });
  if (!outcome || outcome.saved?.kind === 'not_found') return reply.callNotFound();
  const { saved } = outcome;
  if (saved?.kind === 'saved') {
    const notice = saved.requested.length > 0 ? (saved.applied.length > 0 ? 'both' : 'request') : saved.applied.length > 0 ? 'direct' : 'none';
    // Back at the section just saved: RecordSectionView names its heading `section-<section>-<edit path, letters only>`,
    // and its edit path is this page's address within the tenant (several people each have a "contact" section).
    const editPath = request.pathInTenant.split('?')[0]!;
    return reply.redirect(`${request.base}${place.backPath}?enregistre=${notice}#section-${target.section}-${editPath.replace(/\W/g, '')}`);
  }
  const invalid = refused !== null || saved?.kind === 'invalid';
  const errors = refused ?? (saved?.kind === 'invalid' ? fieldMessages(request.t, saved.errors) : {});
  const values = invalid ? { ...outcome.values, ...form } : outcome.values;
  const policies = staff ? undefined : Object.fromEntries(fieldsOf(target.section).map((def) => [def.key, policyOf(def, tenant.settings)]));
  const title = request.t(`section.${target.section}`);
  const heading = outcome.whose ? `${title} — ${outcome.whose}` : title;
  return reply.page(
    title,
    <SectionEditPage
      page={{ heading, staff, backPath: place.backPath }}
      section={target.section}
      values={values}
      errors={errors}
      policies={policies}
      pending={outcome.pending}
    />,
    invalid ? 400 : 200,
  );
}

function SectionEditPage(props: {
  page: SectionPage;
  section: RecordSection;
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  policies: Record<string, FieldPolicy> | undefined;
  pending: Record<string, StoredValue> | undefined;
}) {
  const page = usePage();
  const { t } = page;
  const fields = fieldsOf(props.section);
  const labels = Object.fromEntries(fields.map((def) => [def.key, fieldLabel(t, def.key)]));
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <h1>{props.page.heading}</h1>
        <ErrorSummary errors={props.errors} labels={labels} />
        <p class="fr-text--sm">{t(props.page.staff ? 'staff.household.editNote' : 'record.legendDirect')}</p>
        <form method="post" novalidate>
          <CsrfField />
          <RecordSectionFields fields={fields} values={props.values} errors={props.errors} policies={props.policies} pending={props.pending} />
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button icon="fr-icon-save-line">{t('record.save')}</Button>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href={href(page, props.page.backPath)}>
                {t('record.cancel')}
              </a>
            </li>
          </ul>
        </form>
      </div>
    </div>
  );
}

/** The record's address after a save: which of its changes applied at once, became a request, both, or none. */
export const SavedQuery = Type.Object({
  enregistre: Type.Optional(Type.Union([Type.Literal('direct'), Type.Literal('request'), Type.Literal('both'), Type.Literal('none')])),
});

/** The notice shown on the record after a save, from the `enregistre` query parameter. */
export function savedNotice(query: Static<typeof SavedQuery>): MessageKey[] {
  switch (query.enregistre) {
    case 'direct':
      return ['record.saved'];
    case 'request':
      return ['record.requested'];
    case 'both':
      return ['record.saved', 'record.requested'];
    case 'none':
      return ['record.noChange'];
    default:
      return [];
  }
}
