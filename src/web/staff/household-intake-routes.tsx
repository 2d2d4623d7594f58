import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { checkContext } from '../../modules/households/change-requests.js';
import {
  childPrefix,
  childRowsOf,
  GUARDIAN,
  GUARDIAN_QUALITIES,
  INTAKE_ADULT_FIELDS,
  INTAKE_CHILD_FIELDS,
  INTAKE_CHILD_ROWS,
  INTAKE_HOUSEHOLD_FIELDS,
  MAX_CHILD_ROWS,
  PARTNER,
  QUALITY,
  registerHousehold,
  type EmailConflict,
  type LikelyDuplicate,
} from '../../modules/households/household-intake.js';
import type { RecordField } from '../../modules/households/record-fields.js';
import { mailContextOf } from '../auth/mail-context.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Select } from '../components/dsfr/select.js';
import { RecordSectionFields } from '../components/record-section-form.js';
import { fieldLabel } from '../components/record-value.js';
import { fieldMessages, refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { Form, formValues } from '../page-input.js';
import { href, usePage } from '../page-context.js';

const PATH = '/gestion/foyers/nouveau';

/** Said next to an email that cannot become the adult's login. */
function emailConflictText(field: string, conflict: EmailConflict): MessageKey {
  if (!field.startsWith(PARTNER)) return 'staff.intake.emailTaken';
  return conflict === 'account' ? 'staff.intake.partnerEmailTaken' : 'staff.intake.partnerEmailSame';
}

interface IntakeView {
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  childRows: number;
  duplicates?: LikelyDuplicate[];
}

/** Staff type in a household from the paper registration form, and its guardian is invited. */
export function staffHouseholdIntakeRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff('manager') }, async (request, reply) => {
      return reply.page(request.t('staff.intake.title'), <IntakePage values={{}} errors={{}} childRows={INTAKE_CHILD_ROWS} />);
    });

    // A text too long for the form's schema comes back next to its field (attachValidation), as the module's errors do.
    app.post(PATH, { preHandler: requireStaff('manager'), schema: { body: Form }, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      const form = formValues(request.body);
      const title = request.t('staff.intake.title');
      const childRows = childRowsOf(form);
      if (refused) return reply.page(title, <IntakePage values={form} errors={refused} childRows={childRows} />, 400);
      // One more row without JavaScript: the form comes back as typed, unchecked.
      if (form.action === 'addChild') return reply.page(title, <IntakePage values={form} errors={{}} childRows={Math.min(childRows + 1, MAX_CHILD_ROWS)} />);
      const tenant = request.tenant!;
      const outcome = await request.inScope((scope) =>
        registerHousehold(scope, form, {
          context: checkContext(tenant.settings, localDate(scope.now, tenant.time_zone)),
          settings: tenant.settings,
          mail: mailContextOf(request),
          confirmed: form.confirm === '1',
        }),
      );
      switch (outcome.kind) {
        case 'created':
          return reply.redirect(`${request.base}/gestion/foyers/${outcome.householdId}?fait=cree`);
        case 'invalid':
          return reply.page(title, <IntakePage values={form} errors={fieldMessages(request.t, outcome.errors)} childRows={childRows} />, 400);
        case 'email_taken': {
          const errors = Object.fromEntries(Object.entries(outcome.fields).map(([field, conflict]) => [field, request.t(emailConflictText(field, conflict))]));
          return reply.page(title, <IntakePage values={form} errors={errors} childRows={childRows} />, 400);
        }
        case 'duplicates':
          return reply.page(title, <IntakePage values={form} errors={{}} childRows={childRows} duplicates={outcome.duplicates} />);
        case 'forbidden':
          return reply.errorPage('forbidden');
      }
    });
  };
}

function IntakePage(props: IntakeView) {
  const page = usePage();
  const { t } = page;
  const labelOf = (def: RecordField) => fieldLabel(t, def.key);
  const labels: Record<string, string> = {
    ...Object.fromEntries(INTAKE_HOUSEHOLD_FIELDS.map((def) => [def.key, labelOf(def)])),
    ...Object.fromEntries(
      INTAKE_ADULT_FIELDS.flatMap((def) => [
        [`${GUARDIAN}${def.key}`, `${t('staff.intake.guardian')} — ${labelOf(def)}`],
        [`${PARTNER}${def.key}`, `${t('staff.intake.partner')} — ${labelOf(def)}`],
      ]),
    ),
    ...Object.fromEntries(
      Array.from({ length: props.childRows }, (_, row) =>
        INTAKE_CHILD_FIELDS.map((def) => [`${childPrefix(row)}${def.key}`, `${t('staff.intake.child', { number: row + 1 })} — ${labelOf(def)}`]),
      ).flat(),
    ),
  };
  const duplicates = props.duplicates ?? [];
  const people = (prefix: string) => (
    <>
      <RecordSectionFields fields={INTAKE_ADULT_FIELDS} values={props.values} errors={props.errors} prefix={prefix} />
      <Select
        name={`${prefix}${QUALITY}`}
        label={t('record.quality')}
        value={props.values[`${prefix}${QUALITY}`]}
        error={props.errors[`${prefix}${QUALITY}`]}
        options={[{ value: '', label: '—' }, ...GUARDIAN_QUALITIES.map((quality) => ({ value: quality, label: t(`choice.quality.${quality}`) }))]}
      />
    </>
  );
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-lg-10">
        <h1>{t('staff.intake.title')}</h1>
        <ErrorSummary errors={props.errors} labels={labels} />
        {duplicates.length > 0 && (
          <div class="fr-alert fr-alert--warning fr-mb-3w" role="alert">
            <h2 class="fr-alert__title">{t('staff.intake.duplicatesTitle')}</h2>
            <p>{t('staff.intake.duplicatesText')}</p>
            <ul>
              {duplicates.map((duplicate) => (
                <li key={duplicate.householdId}>
                  <a href={href(page, `/gestion/foyers/${duplicate.householdId}`)}>
                    {duplicate.name} ({t('record.familyNumber', { number: duplicate.familyNumber })})
                  </a>
                  {' — '}
                  {duplicate.reasons.map((reason) => t(`staff.intake.reason.${reason}`)).join(', ')}
                </li>
              ))}
            </ul>
          </div>
        )}
        <p>{t('staff.intake.intro')}</p>
        <p class="fr-hint-text">{t('form.required')}</p>
        <form method="post" action={href(page, PATH)} novalidate>
          <CsrfField />
          <fieldset class="fr-fieldset">
            <legend class="fr-fieldset__legend fr-h4">{t('section.address')}</legend>
            <div class="fr-fieldset__element">
              <RecordSectionFields fields={INTAKE_HOUSEHOLD_FIELDS} values={props.values} errors={props.errors} />
            </div>
          </fieldset>
          <fieldset class="fr-fieldset">
            <legend class="fr-fieldset__legend fr-h4">{t('staff.intake.guardian')}</legend>
            <div class="fr-fieldset__element">
              <p class="fr-hint-text">{t('staff.intake.guardianHint')}</p>
              {people(GUARDIAN)}
            </div>
          </fieldset>
          <fieldset class="fr-fieldset">
            <legend class="fr-fieldset__legend fr-h4">{t('staff.intake.partner')}</legend>
            <div class="fr-fieldset__element">
              <p class="fr-hint-text">{t('staff.intake.partnerHint')}</p>
              {people(PARTNER)}
            </div>
          </fieldset>
          {Array.from({ length: props.childRows }, (_, row) => (
            <fieldset class="fr-fieldset" key={row}>
              <legend class="fr-fieldset__legend fr-h4">{t('staff.intake.child', { number: row + 1 })}</legend>
              <div class="fr-fieldset__element">
                {row === 0 && <p class="fr-hint-text">{t('staff.intake.optionalHint')}</p>}
                <RecordSectionFields fields={INTAKE_CHILD_FIELDS} values={props.values} errors={props.errors} prefix={childPrefix(row)} />
              </div>
            </fieldset>
          ))}
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              {duplicates.length > 0 ? (
                <Button name="confirm" value="1" icon="fr-icon-check-line">
                  {t('staff.intake.createAnyway')}
                </Button>
              ) : (
                <Button name="action" value="create" icon="fr-icon-check-line">
                  {t('staff.intake.create')}
                </Button>
              )}
            </li>
            {props.childRows < MAX_CHILD_ROWS && (
              <li>
                <Button name="action" value="addChild" variant="secondary" icon="fr-icon-add-line">
                  {t('staff.intake.addChild')}
                </Button>
              </li>
            )}
            <li>
              <a class="fr-btn fr-btn--tertiary" href={href(page, '/gestion/foyers')}>
                {t('record.cancel')}
              </a>
            </li>
          </ul>
        </form>
      </div>
    </div>
  );
}
