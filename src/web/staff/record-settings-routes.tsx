import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { MAX_CHILD_AGE_FIELD, recordSettingsOf, saveRecordSettings } from '../../modules/households/field-policies.js';
import {
  ADULT_SECTIONS,
  CHILD_SECTIONS,
  fieldsOf,
  HOUSEHOLD_SECTIONS,
  type FieldPolicy,
  type RecordField,
  type RecordSection,
} from '../../modules/households/record-fields.js';
import type { Services } from '../../services.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { fieldId, Input } from '../components/dsfr/input.js';
import { fieldLabel } from '../components/record-value.js';
import { fieldMessages, refusedFields } from '../forms.js';
import { requireStaff } from '../guards.js';
import { Form, formValues } from '../page-input.js';
import { href, usePage } from '../page-context.js';
import { NoticeQuery } from './staff-input.js';

const PATH = '/gestion/parametres/fiche';
const GROUPS: [MessageKey, RecordSection[]][] = [
  ['staff.settings.group.household', HOUSEHOLD_SECTIONS],
  ['staff.settings.group.adults', ADULT_SECTIONS],
  ['staff.settings.group.children', CHILD_SECTIONS],
];

/** The tenant's choices about the household record: which fields families change directly, and the children's age limit. */
export function staffRecordSettingsRoutes(services: Services): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get(PATH, { preHandler: requireStaff('admin'), schema: { querystring: NoticeQuery } }, async (request, reply) => {
      const current = recordSettingsOf(request.tenant!.settings);
      const saved = request.query.fait === '1';
      return reply.page(
        request.t('staff.settings.title'),
        <SettingsPage values={{ ...current.policies, [MAX_CHILD_AGE_FIELD]: String(current.maxChildAge) }} errors={{}} saved={saved} />,
      );
    });

    // A text too long for the form's schema comes back next to its field (attachValidation), as the module's errors do.
    app.post(PATH, { preHandler: requireStaff('admin'), schema: { body: Form }, attachValidation: true }, async (request, reply) => {
      const refused = refusedFields(request);
      const form = formValues(request.body);
      if (refused) return reply.page(request.t('staff.settings.title'), <SettingsPage values={form} errors={refused} saved={false} />, 400);
      const outcome = await request.inScope((scope) => saveRecordSettings(scope, form));
      if (outcome.kind === 'saved') {
        // After the commit: the next requests of every family read the new settings.
        await services.tenants.reload();
        return reply.redirect(`${request.base}${PATH}?fait=1`);
      }
      const errors = outcome.kind === 'invalid' ? fieldMessages(request.t, outcome.errors) : {};
      return reply.page(
        request.t('staff.settings.title'),
        <SettingsPage values={form} errors={errors} saved={false} />,
        outcome.kind === 'invalid' ? 400 : 403,
      );
    });
  };
}

function PolicyChoice(props: { def: RecordField; value: string | undefined; error: string | undefined }) {
  const { t } = usePage();
  const id = fieldId(props.def.key);
  const label = fieldLabel(t, props.def.key);
  if (props.def.alwaysRequest) {
    return (
      <p class="fr-mb-2w">
        <strong>{label}</strong>
        {t('punct.colon')}
        {t('staff.settings.request')} — <span class="fr-text--sm">{t('staff.settings.alwaysRequest')}</span>
      </p>
    );
  }
  return (
    <fieldset class={`fr-fieldset${props.error ? ' fr-fieldset--error' : ''}`} id={id} aria-labelledby={`${id}-legend`}>
      <legend class="fr-fieldset__legend--regular fr-fieldset__legend" id={`${id}-legend`}>
        {label}
      </legend>
      {(['direct', 'request'] as FieldPolicy[]).map((policy) => (
        <div class="fr-fieldset__element fr-fieldset__element--inline" key={policy}>
          <div class="fr-radio-group">
            <input type="radio" id={`${id}-${policy}`} name={props.def.key} value={policy} checked={props.value === policy} />
            <label class="fr-label" for={`${id}-${policy}`}>
              {t(policy === 'direct' ? 'staff.settings.direct' : 'staff.settings.request')}
            </label>
          </div>
        </div>
      ))}
      {props.error && <p class="fr-error-text fr-message--error">{props.error}</p>}
    </fieldset>
  );
}

function SettingsPage(props: { values: Record<string, string>; errors: Record<string, string | undefined>; saved: boolean }) {
  const page = usePage();
  const { t } = page;
  const labels = Object.fromEntries([
    [MAX_CHILD_AGE_FIELD, t('staff.settings.maxChildAge')],
    ...GROUPS.flatMap(([, sections]) => sections.flatMap(fieldsOf)).map((def) => [def.key, fieldLabel(t, def.key)]),
  ]);
  return (
    <>
      <h1>{t('staff.settings.title')}</h1>
      {props.saved && (
        <Alert kind="success" small announce>
          {t('staff.settings.saved')}
        </Alert>
      )}
      <ErrorSummary errors={props.errors} labels={labels} />
      <p>{t('staff.settings.intro')}</p>
      <form method="post" action={href(page, PATH)} novalidate>
        <CsrfField />
        <Input
          name={MAX_CHILD_AGE_FIELD}
          label={labels[MAX_CHILD_AGE_FIELD]!}
          hint={t('staff.settings.maxChildAgeHint')}
          value={props.values[MAX_CHILD_AGE_FIELD]}
          error={props.errors[MAX_CHILD_AGE_FIELD]}
          inputMode="numeric"
          required
        />
        {GROUPS.map(([group, sections]) => (
          <section key={group} class="fr-mt-4w">
            <h2>{t(group)}</h2>
            {sections.map((section) => (
              <div key={section} class="fr-mb-3w">
                <h3 class="fr-h5">{t(`section.${section}`)}</h3>
                {fieldsOf(section).map((def) => (
                  <PolicyChoice key={def.key} def={def} value={props.values[def.key]} error={props.errors[def.key]} />
                ))}
              </div>
            ))}
          </section>
        ))}
        <Button icon="fr-icon-save-line">{t('record.save')}</Button>
      </form>
    </>
  );
}
