import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { pendingFieldValues } from '../../modules/households/change-requests.js';
import { currentValue, getHouseholdRecord, type HouseholdRecord } from '../../modules/households/household-record.js';
import { exportHouseholdData } from '../../modules/households/personal-data-export.js';
import { ADULT_SECTIONS, HOUSEHOLD_SECTIONS, policyOf, RECORD_FIELDS, type FieldPolicy, type StoredValue } from '../../modules/households/record-fields.js';
import { Alert } from '../components/dsfr/alert.js';
import { qualityLabel } from '../components/record-value.js';
import { Form, Id } from '../page-input.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { personName, personValue, RecordSectionView } from './record-page.js';
import { handleSectionEdit, SavedQuery, savedNotice, type RecordPlace } from './section-editor.js';

/** A section of the household's own fields. */
const HouseholdSectionParams = Type.Object({ section: Type.Union(HOUSEHOLD_SECTIONS.map((section) => Type.Literal(section))) });

/** A section of one adult's fields. */
const AdultSectionParams = Type.Object({ personId: Id, section: Type.Union(ADULT_SECTIONS.map((section) => Type.Literal(section))) });

/** Mon compte: the household's record, its guardians, and the personal-data export. */
export function familyAccountRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/mon-compte', { preHandler: requireFamily, schema: { querystring: SavedQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const data = await request.inScope(async (scope) => ({
        record: await getHouseholdRecord(scope, householdId),
        pending: await pendingFieldValues(scope, householdId),
      }));
      if (!data.record) return reply.callNotFound();
      const policies = Object.fromEntries(RECORD_FIELDS.map((def) => [def.key, policyOf(def, request.tenant!.settings)]));
      return reply.page(
        request.t('account.title'),
        <AccountPage
          record={data.record}
          pending={data.pending}
          policies={policies}
          notices={savedNotice(request.query)}
          email={request.session!.account.email}
        />,
      );
    });

    // The edit pages show a section's form (GET) and save it (POST): a text too long for the form's
    // schema comes back as a field message (attachValidation, read by the editor).
    for (const method of ['GET', 'POST'] as const) {
      const edit = { method, preHandler: requireFamily, attachValidation: method === 'POST' };
      app.route({
        ...edit,
        url: '/mon-compte/foyer/:section',
        schema: { params: HouseholdSectionParams, ...(method === 'POST' ? { body: Form } : {}) },
        handler: (request, reply) => handleSectionEdit(request, reply, ownRecord(request), { section: request.params.section, personId: null }),
      });
      app.route({
        ...edit,
        url: '/mon-compte/personnes/:personId/:section',
        schema: { params: AdultSectionParams, ...(method === 'POST' ? { body: Form } : {}) },
        handler: (request, reply) =>
          handleSectionEdit(request, reply, ownRecord(request), { section: request.params.section, personId: request.params.personId }),
      });
    }

    app.get('/mon-compte/mes-donnees.json', { preHandler: requireFamily }, async (request, reply) => {
      const data = await request.inScope((scope) => exportHouseholdData(scope, request.session!.account.householdId!));
      if (!data) return reply.callNotFound();
      return reply
        .header('content-type', 'application/json; charset=utf-8')
        .header('content-disposition', `attachment; filename="mes-donnees-${data.household.family_number}.json"`)
        .header('cache-control', 'no-store')
        .send(JSON.stringify(data, null, 2));
    });
  };
}

/** The family's own record, shown on Mon compte. */
function ownRecord(request: FastifyRequest): RecordPlace {
  return { householdId: request.session!.account.householdId!, backPath: '/mon-compte' };
}

function AccountPage(props: {
  record: HouseholdRecord;
  pending: Map<string, Record<string, StoredValue>>;
  policies: Record<string, FieldPolicy>;
  notices: MessageKey[];
  email: string;
}) {
  const page = usePage();
  const { t } = page;
  const { record } = props;
  return (
    <>
      <h1>{t('account.title')}</h1>
      {props.notices.map((notice) => (
        <Alert kind={notice === 'record.noChange' ? 'info' : 'success'} small announce key={notice}>
          {t(notice)}
        </Alert>
      ))}
      <p>
        {t('account.intro')} <strong>{t('record.familyNumber', { number: record.household.family_number })}</strong>
      </p>
      <p class="fr-text--sm">{t('record.legendDirect')}</p>

      <h2>{record.household.name}</h2>
      {HOUSEHOLD_SECTIONS.map((section) => (
        <RecordSectionView
          key={section}
          section={section}
          values={(def) => currentValue(record, def, null)}
          editPath={`/mon-compte/foyer/${section}`}
          pending={props.pending.get('household')}
          policies={props.policies}
        />
      ))}

      <h2>{t('account.adults')}</h2>
      {record.adults.map((adult) => (
        <div class="fr-mb-6w" key={adult.person.id}>
          <h3>
            {adult.person.first_name} {adult.person.last_name}{' '}
            <span class="fr-badge fr-badge--sm fr-badge--info">
              {t(adult.role === 'guardian' ? 'record.guardian' : 'record.partner')}
              {adult.quality ? ` — ${qualityLabel(t, adult.quality)}` : ''}
            </span>
          </h3>
          {ADULT_SECTIONS.map((section) => (
            <RecordSectionView
              key={section}
              section={section}
              values={personValue(adult)}
              editPath={`/mon-compte/personnes/${adult.person.id}/${section}`}
              pending={props.pending.get(adult.person.id)}
              policies={props.policies}
              headingLevel="h3"
              whose={personName(adult)}
            />
          ))}
        </div>
      ))}
      {!record.adults.some((adult) => adult.role === 'partner') && (
        <p>
          <a class="fr-btn fr-btn--secondary fr-icon-user-add-line fr-btn--icon-left" href={href(page, '/mes-enfants/nouveau?membre=conjoint')}>
            {t('children.addPartner')}
          </a>
        </p>
      )}

      <h2>{t('family.account.security')}</h2>
      <p>
        {t('family.account.login')}
        {t('punct.colon')}
        <strong>{props.email}</strong>
      </p>
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        <li>
          <a class="fr-btn fr-btn--secondary fr-icon-lock-line fr-btn--icon-left" href={href(page, '/mot-de-passe')}>
            {t('family.account.changePassword')}
          </a>
        </li>
        <li>
          <a class="fr-btn fr-btn--tertiary fr-icon-download-line fr-btn--icon-left" href={href(page, '/mon-compte/mes-donnees.json')} download>
            {t('account.export')}
          </a>
        </li>
      </ul>
      <p class="fr-hint-text">{t('account.exportHint')}</p>
    </>
  );
}
