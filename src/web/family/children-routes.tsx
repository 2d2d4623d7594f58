import { ageText } from '../age-text.js';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { type Static, Type } from 'typebox';
import type { MessageKey } from '../../i18n/catalogue.js';
import { localDate } from '../../modules/calendar/local-date.js';
import { checkContext, pendingFieldValues, requestNewMember } from '../../modules/households/change-requests.js';
import { getHouseholdRecord, type ChildContact, type HouseholdRecord } from '../../modules/households/household-record.js';
import {
  ageOn,
  CHILD_SECTIONS,
  fieldsOf,
  policyOf,
  RECORD_FIELDS,
  type FieldPolicy,
  type RecordSection,
  type StoredValue,
} from '../../modules/households/record-fields.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { RecordSectionFields } from '../components/record-section-form.js';
import { fieldLabel } from '../components/record-value.js';
import { fieldMessages, refusedFields } from '../forms.js';
import { Form, formValues, Id } from '../page-input.js';
import { PAGES } from '../../modules/page-paths.js';
import { requireFamily } from '../guards.js';
import { href, usePage } from '../page-context.js';
import { handleContactsEdit } from './contacts-editor.js';
import { personName, personValue, RecordSectionView, regionName } from './record-page.js';
import { handleSectionEdit, SavedQuery, savedNotice } from './section-editor.js';

/** A section of a child's record, or the child's contacts. */
const ChildSectionParams = Type.Object({
  childId: Id,
  section: Type.Union([Type.Literal('contacts'), ...CHILD_SECTIONS.map((section) => Type.Literal(section))]),
});

/** Who is added: a child, or a partner (`membre=conjoint`). */
const NewMemberQuery = Type.Object({ membre: Type.Optional(Type.Literal('conjoint')) });

/** Mes enfants: each child's record and contacts, and the request to add a child or a partner. */
export function familyChildrenRoutes(): FastifyPluginAsyncTypebox {
  return async (app) => {
    app.get('/mes-enfants', { preHandler: requireFamily, schema: { querystring: SavedQuery } }, async (request, reply) => {
      const householdId = request.session!.account.householdId!;
      const data = await request.inScope(async (scope) => ({
        record: await getHouseholdRecord(scope, householdId),
        pending: await pendingFieldValues(scope, householdId),
      }));
      if (!data.record) return reply.callNotFound();
      const tenant = request.tenant!;
      const policies = Object.fromEntries(RECORD_FIELDS.map((def) => [def.key, policyOf(def, tenant.settings)]));
      const today = localDate(new Date(), tenant.time_zone);
      return reply.page(
        request.t('children.title'),
        <ChildrenPage record={data.record} pending={data.pending} policies={policies} today={today} notices={savedNotice(request.query)} />,
      );
    });

    // Each edit page shows its form (GET) and saves it (POST): a text too long for the form's schema
    // comes back as a field message (attachValidation, read by the editors).
    for (const method of ['GET', 'POST'] as const) {
      const edit = { method, preHandler: requireFamily, attachValidation: method === 'POST' };
      app.route({
        ...edit,
        url: '/mes-enfants/:childId/:section',
        schema: { params: ChildSectionParams, ...(method === 'POST' ? { body: Form } : {}) },
        handler: async (request, reply) => {
          const { childId, section } = request.params;
          const place = { householdId: request.session!.account.householdId!, backPath: '/mes-enfants' };
          if (section === 'contacts') return handleContactsEdit(request, reply, place, childId);
          return handleSectionEdit(request, reply, place, { section, personId: childId });
        },
      });
    }

    app.get('/mes-enfants/nouveau', { preHandler: requireFamily, schema: { querystring: NewMemberQuery } }, async (request, reply) => {
      const role = roleOf(request.query);
      return reply.page(request.t(NEW_MEMBER_TITLES[role]), <NewMemberPage role={role} values={{}} errors={{}} />);
    });

    // Sent to the service as a request; a text too long for the form's schema comes back as a field message.
    app.post(
      '/mes-enfants/nouveau',
      { preHandler: requireFamily, schema: { querystring: NewMemberQuery, body: Form }, attachValidation: true },
      async (request, reply) => {
        const refused = refusedFields(request);
        const role = roleOf(request.query);
        const form = formValues(request.body);
        const householdId = request.session!.account.householdId!;
        const tenant = request.tenant!;
        const outcome = refused
          ? null
          : await request.inScope((scope) =>
              requestNewMember(scope, checkContext(tenant.settings, localDate(scope.now, tenant.time_zone)), { householdId, role, form }),
            );
        if (outcome?.kind === 'not_found') return reply.callNotFound();
        if (outcome?.kind === 'saved') return reply.redirect(`${request.base}${PAGES.requests}?envoyee=1`);
        const errors = outcome ? fieldMessages(request.t, outcome.errors) : (refused ?? {});
        return reply.page(request.t(NEW_MEMBER_TITLES[role]), <NewMemberPage role={role} values={form} errors={errors} />, 400);
      },
    );
  };
}

const NEW_MEMBER_TITLES = { child: 'children.newTitle', partner: 'children.newPartnerTitle' } as const satisfies Record<'child' | 'partner', MessageKey>;

function roleOf(query: Static<typeof NewMemberQuery>): 'child' | 'partner' {
  return query.membre === 'conjoint' ? 'partner' : 'child';
}

function ChildrenPage(props: {
  record: HouseholdRecord;
  pending: Map<string, Record<string, StoredValue>>;
  policies: Record<string, FieldPolicy>;
  today: string;
  notices: MessageKey[];
}) {
  const page = usePage();
  const { t } = page;
  return (
    <>
      <h1>{t('children.title')}</h1>
      {props.notices.map((notice) => (
        <Alert kind={notice === 'record.noChange' ? 'info' : 'success'} small announce key={notice}>
          {t(notice)}
        </Alert>
      ))}
      <p class="fr-text--sm">{t('record.legendDirect')}</p>
      {props.record.children.length === 0 && <p>{t('children.none')}</p>}
      {props.record.children.map((child) => (
        <article class="fr-mb-6w" id={`child-${child.person.id}`} key={child.person.id} aria-labelledby={`child-title-${child.person.id}`}>
          <h2 id={`child-title-${child.person.id}`}>
            {child.person.first_name} {child.person.last_name}
            {/* A space, so that the heading (and the article it names) reads "Léa MARTIN 8 an(s)", not "MARTIN8". */}
            {child.person.birth_date && (
              <>
                {' '}
                <span class="fr-text--md fr-ml-2w">{ageText(t, ageOn(child.person.birth_date, props.today))}</span>
              </>
            )}
          </h2>
          {child.alsoIn > 0 && <p class="fr-badge fr-badge--sm fr-badge--info">{t('record.alsoInOtherHousehold')}</p>}
          {CHILD_SECTIONS.map((section) => (
            <RecordSectionView
              key={section}
              section={section}
              values={personValue(child)}
              editPath={`/mes-enfants/${child.person.id}/${section}`}
              pending={props.pending.get(child.person.id)}
              policies={props.policies}
              whose={personName(child)}
            />
          ))}
          <ContactsView childId={child.person.id} child={personName(child)} contacts={props.record.contacts.get(child.person.id) ?? []} />
        </article>
      ))}
      <a class="fr-btn fr-icon-user-add-line fr-btn--icon-left" href={href(page, '/mes-enfants/nouveau')}>
        {t('children.add')}
      </a>
    </>
  );
}

function ContactsView(props: { childId: string; child: string; contacts: ChildContact[] }) {
  const page = usePage();
  const { t } = page;
  return (
    <section class="pf-record-section fr-mb-4w" {...regionName(t('section.contacts'), `contacts-${props.childId}`, props.child)}>
      <div class="pf-record-section__head">
        <h3 class="fr-h6 fr-mb-1w" id={`contacts-${props.childId}`}>
          {t('section.contacts')}
        </h3>
        <a class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-edit-line fr-btn--icon-left" href={href(page, `/mes-enfants/${props.childId}/contacts`)}>
          {t('record.edit')}
          <span class="fr-sr-only">
            {' '}
            — {t('section.contacts')}, {props.child}
          </span>
        </a>
      </div>
      {props.contacts.length === 0 ? (
        <p class="fr-text-mention--grey">{t('children.contactsNone')}</p>
      ) : (
        <ul>
          {props.contacts.map((contact) => (
            <li key={contact.id}>
              <strong>{contact.name}</strong>
              {contact.relationship && ` (${contact.relationship})`} — {contact.phone}
              {contact.can_pick_up && <> — {t('children.contactPickUp')}</>}
              {contact.emergency && <> — {t('children.contactEmergency')}</>}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function NewMemberPage(props: { role: 'child' | 'partner'; values: Record<string, string>; errors: Record<string, string | undefined> }) {
  const page = usePage();
  const { t } = page;
  const sections: RecordSection[] = props.role === 'child' ? CHILD_SECTIONS : ['identity', 'contact'];
  const fields = sections.flatMap(fieldsOf);
  const labels = Object.fromEntries(fields.map((def) => [def.key, fieldLabel(t, def.key)]));
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-md-10 fr-col-lg-8">
        <h1>{t(props.role === 'child' ? 'children.newTitle' : 'children.newPartnerTitle')}</h1>
        <ErrorSummary errors={props.errors} labels={labels} />
        <p>{t(props.role === 'child' ? 'children.newIntro' : 'children.newPartnerIntro')}</p>
        <p class="fr-hint-text">{t('form.required')}</p>
        <form method="post" action={href(page, `/mes-enfants/nouveau${props.role === 'partner' ? '?membre=conjoint' : ''}`)} novalidate>
          <CsrfField />
          {sections.map((section) => (
            <fieldset class="fr-fieldset" key={section} aria-labelledby={`legend-${section}`}>
              <legend class="fr-fieldset__legend" id={`legend-${section}`}>
                {t(`section.${section}`)}
              </legend>
              <div class="fr-fieldset__element">
                <RecordSectionFields fields={fieldsOf(section)} values={props.values} errors={props.errors} />
              </div>
            </fieldset>
          ))}
          <Button icon="fr-icon-send-plane-line">{t('signup.submit')}</Button>
        </form>
      </div>
    </div>
  );
}
