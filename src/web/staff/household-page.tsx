import { ageText } from '../age-text.js';
import { Table } from '../components/dsfr/table.js';
import { HouseholdClosedNotice, HouseholdClosureLink } from './household-closure-routes.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { isMessageKey } from '../../i18n/catalogue.js';
import type { ContactInput, FieldChanges, RequestPayload } from '../../modules/households/change-requests.js';
import type { HouseholdAccount } from '../../modules/households/household-accounts.js';
import type { HistoryEntry } from '../../modules/households/household-history.js';
import { currentValue, type HouseholdMember, type HouseholdRecord } from '../../modules/households/household-record.js';
import type { ChangeRequestKind } from '../../modules/households/households.tables.js';
import {
  ADULT_SECTIONS,
  ageOn,
  CHILD_SECTIONS,
  HOUSEHOLD_SECTIONS,
  policyOf,
  RECORD_FIELDS,
  type RecordSection,
  type StoredValue,
} from '../../modules/households/record-fields.js';
import type { TenantSettings } from '../../modules/tenancy/tenancy.tables.js';
import type { InvoiceSummary } from '../../modules/billing/invoices.js';
import type { PaymentRow } from '../../modules/ledger/payments.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { qualityLabel } from '../components/record-value.js';
import { ContactList, FieldChangeList, RequestChange } from '../components/request-change.js';
import { StatusBadge } from '../components/status-badge.js';
import { personName, personValue, RecordSectionView, regionName } from '../family/record-page.js';
import { href, usePage } from '../page-context.js';
import { PaymentTable } from './billing-payment-routes.js';
import { InvoiceTable } from './billing-run-routes.js';
import { type HouseholdActivity, HouseholdActivitySections, HouseholdAtAGlance } from './household-activity.js';
import { STAFF_MESSAGES_PATH, writeToHouseholdPath } from './message-routes.js';
import { useCanChange } from './staff-access.js';
import { HouseholdDocumentsSection, type HouseholdDocumentsData } from './household-documents.js';

export type HouseholdNotice = 'cree' | 'invitation' | 'deja-actif' | 'enregistre' | 'inchange' | 'cloture' | 'reouvert';

const NOTICE_TEXT: Record<HouseholdNotice, MessageKey> = {
  cree: 'staff.household.created',
  invitation: 'staff.household.invitationSent',
  'deja-actif': 'staff.household.alreadyActive',
  enregistre: 'staff.household.saved',
  inchange: 'record.noChange',
  cloture: 'closure.closedDone',
  reouvert: 'closure.reopenedDone',
};

export interface HouseholdFile {
  record: HouseholdRecord;
  pending: Map<string, Record<string, StoredValue>>;
  activity: HouseholdActivity;
  history: HistoryEntry[];
  accounts: HouseholdAccount[];
  money: HouseholdMoney;
  documents: HouseholdDocumentsData;
  today: string;
  settings: TenantSettings;
  notice: HouseholdNotice | undefined;
}

/** What the household owes (all régies together; negative: a credit), its invoices and credit notes, its payments. */
export interface HouseholdMoney {
  balanceCents: number;
  invoices: InvoiceSummary[];
  payments: PaymentRow[];
}

/** A household's whole file for staff: record, people, money, logins, requests and history. */
export function HouseholdPage(props: HouseholdFile) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  const { record } = props;
  const base = `/gestion/foyers/${record.household.id}`;
  const policies = Object.fromEntries(RECORD_FIELDS.map((def) => [def.key, policyOf(def, props.settings)]));
  const sections = (sectionList: RecordSection[], member: HouseholdMember | null) =>
    sectionList.map((section) => (
      <RecordSectionView
        key={section}
        section={section}
        values={member ? personValue(member) : (def) => currentValue(record, def, null)}
        editPath={member ? `${base}/personnes/${member.person.id}/${section}` : `${base}/${section}`}
        editable={canChange}
        pending={props.pending.get(member ? member.person.id : 'household')}
        policies={policies}
        whose={member ? personName(member) : undefined}
      />
    ));
  return (
    <>
      <p class="fr-mb-1w">
        <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={href(page, '/gestion/foyers')}>
          {t('staff.households.title')}
        </a>
      </p>
      <h1>{record.household.name}</h1>
      <p class="fr-text--lead">{t('record.familyNumber', { number: record.household.family_number })}</p>
      <HouseholdClosedNotice closedAt={record.household.closed_at} />
      {props.notice && (
        <Alert kind={props.notice === 'inchange' || props.notice === 'deja-actif' ? 'info' : 'success'} small announce>
          {t(NOTICE_TEXT[props.notice])}
        </Alert>
      )}
      <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
        {canChange && (
          <li>
            <ButtonLink href={href(page, writeToHouseholdPath(record.household.id))} icon="fr-icon-mail-line" variant="secondary">
              {t('staffMessages.writeToHousehold')}
            </ButtonLink>
          </li>
        )}
        <li>
          <ButtonLink href={href(page, `${STAFF_MESSAGES_PATH}?foyer=${record.household.id}`)} icon="fr-icon-chat-3-line" variant="tertiary">
            {t('staffMessages.householdThreads')}
          </ButtonLink>
        </li>
        {canChange && (
          <li>
            <HouseholdClosureLink householdId={record.household.id} closedAt={record.household.closed_at} />
          </li>
        )}
      </ul>
      <HouseholdAtAGlance activity={props.activity} children={record.children.length} balanceCents={props.money.balanceCents} invoices={props.money.invoices} />
      {canChange ? (
        <p class="fr-text--sm">{t('staff.household.editNote')}</p>
      ) : (
        <Alert kind="info" small>
          {t('staff.household.readOnly')}
        </Alert>
      )}

      <nav class="fr-summary fr-mb-4w" aria-labelledby="household-summary-title">
        <p class="fr-summary__title" id="household-summary-title">
          {t('staff.household.contents')}
        </p>
        <ol class="fr-summary__list">
          {(['household', 'adults', 'children', 'enrollments', 'bookings', 'requests', 'emails', 'billing', 'logins', 'history'] as const).map((part) => (
            <li key={part}>
              <a class="fr-summary__link" href={`#${part}`}>
                {t(`staff.household.part.${part}`)}
              </a>
            </li>
          ))}
        </ol>
      </nav>

      <h2 id="household">{t('staff.household.part.household')}</h2>
      {sections(HOUSEHOLD_SECTIONS, null)}

      <h2 id="adults">{t('staff.household.part.adults')}</h2>
      {record.adults.map((adult) => (
        <div class="fr-mb-6w" key={adult.person.id}>
          <h3>
            {adult.person.first_name} {adult.person.last_name}{' '}
            <span class="fr-badge fr-badge--sm fr-badge--info">
              {t(adult.role === 'guardian' ? 'record.guardian' : 'record.partner')}
              {adult.quality ? ` — ${qualityLabel(t, adult.quality)}` : ''}
            </span>
          </h3>
          {adult.alsoIn > 0 && <p class="fr-badge fr-badge--sm fr-badge--warning">{t('record.alsoInOtherHousehold')}</p>}
          {sections(ADULT_SECTIONS, adult)}
        </div>
      ))}

      <h2 id="children">{t('staff.household.part.children')}</h2>
      {record.children.length === 0 && <p>{t('staff.household.noChildren')}</p>}
      {record.children.map((child) => (
        <div class="fr-mb-6w" key={child.person.id} id={`child-${child.person.id}`}>
          <h3>
            {child.person.first_name} {child.person.last_name}
            {child.person.birth_date && <span class="fr-text--md fr-ml-2w">{ageText(t, ageOn(child.person.birth_date, props.today))}</span>}
          </h3>
          {child.alsoIn > 0 && <p class="fr-badge fr-badge--sm fr-badge--warning">{t('record.alsoInOtherHousehold')}</p>}
          <p>
            {/* Readers see the counter too, without its forms: what the family has that day. */}
            <a
              class="fr-btn fr-btn--secondary fr-btn--sm fr-icon-calendar-event-line fr-btn--icon-left"
              href={href(page, `${base}/enfants/${child.person.id}/guichet`)}
            >
              {t('counter.open')}
              <span class="fr-sr-only"> — {personName(child)}</span>
            </a>
          </p>
          {sections(CHILD_SECTIONS, child)}
          <section class="pf-record-section fr-mb-4w" {...regionName(t('section.contacts'), `contacts-${child.person.id}`, personName(child))}>
            <div class="pf-record-section__head">
              <h4 class="fr-h6 fr-mb-1w" id={`contacts-${child.person.id}`}>
                {t('section.contacts')}
              </h4>
              {canChange && (
                <a
                  class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-edit-line fr-btn--icon-left"
                  href={href(page, `${base}/personnes/${child.person.id}/contacts`)}
                >
                  {t('record.edit')}
                  <span class="fr-sr-only">
                    {' '}
                    — {t('section.contacts')}, {personName(child)}
                  </span>
                </a>
              )}
            </div>
            <ContactList
              contacts={(record.contacts.get(child.person.id) ?? []).map((contact) => ({
                name: contact.name,
                relationship: contact.relationship,
                phone: contact.phone,
                canPickUp: contact.can_pick_up,
                emergency: contact.emergency,
              }))}
            />
          </section>
        </div>
      ))}

      <HouseholdActivitySections
        householdId={record.household.id}
        children={record.children.map((child) => ({ id: child.person.id, name: personName(child) }))}
        activity={props.activity}
      />

      <h2 id="billing">{t('staff.household.part.billing')}</h2>
      <Money householdId={record.household.id} money={props.money} />

      <HouseholdDocumentsSection householdId={record.household.id} data={props.documents} />

      <h2 id="logins">{t('staff.household.part.logins')}</h2>
      <Logins householdId={record.household.id} accounts={props.accounts} />

      <h2 id="history">{t('staff.household.part.history')}</h2>
      <History entries={props.history} />
    </>
  );
}

/** The household's account with the service: its balance, a payment to record, its invoices and payments. */
function Money(props: { householdId: string; money: HouseholdMoney }) {
  const page = usePage();
  const { t, fmt } = page;
  const canChange = useCanChange();
  const { balanceCents, invoices, payments } = props.money;
  const balance =
    balanceCents > 0
      ? t('staff.household.balanceDue', { amount: fmt.money(balanceCents) })
      : balanceCents < 0
        ? t('staff.household.balanceCredit', { amount: fmt.money(-balanceCents) })
        : t('staff.household.balanceZero');
  return (
    <>
      <p class="fr-text--lg">
        <strong>{balance}</strong>
      </p>
      {canChange && (
        <p>
          <ButtonLink href={href(page, `/gestion/foyers/${props.householdId}/paiement`)} icon="fr-icon-money-euro-circle-line">
            {t('billing.payment.recordOne')}
          </ButtonLink>
          {balanceCents < 0 && (
            <ButtonLink href={href(page, `/gestion/foyers/${props.householdId}/remboursement`)} variant="secondary" class="fr-ml-2w">
              {t('billing.refund.recordOne')}
            </ButtonLink>
          )}
        </p>
      )}
      <h3 class="fr-h5">{t('staff.household.invoices')}</h3>
      {invoices.length === 0 ? (
        <p>{t('staff.household.noInvoice')}</p>
      ) : (
        <InvoiceTable invoices={invoices} caption={t('staff.household.invoices')} withHousehold={false} />
      )}
      <h3 class="fr-h5">{t('billing.payments.title')}</h3>
      {payments.length === 0 ? (
        <p>{t('billing.payments.none')}</p>
      ) : (
        <PaymentTable payments={payments} caption={t('billing.payments.title')} withHousehold={false} />
      )}
    </>
  );
}

function Logins(props: { householdId: string; accounts: HouseholdAccount[] }) {
  const page = usePage();
  const { t } = page;
  const canChange = useCanChange();
  if (props.accounts.length === 0) return <p>{t('staff.household.noLogin')}</p>;
  return (
    <ul class="pf-compact-list">
      {props.accounts.map((account) => (
        <li key={account.id} class="fr-mb-2w">
          {account.displayName} — {account.email}{' '}
          <StatusBadge
            tone={account.awaitingFirstAccess ? 'new' : 'success'}
            label={account.awaitingFirstAccess ? 'staff.household.loginInvited' : 'staff.household.loginActive'}
          />
          {account.awaitingFirstAccess && canChange && (
            <form method="post" action={href(page, `/gestion/foyers/${props.householdId}/invitations/${account.id}`)} class="fr-mt-1w">
              <CsrfField />
              <Button variant="secondary" icon="fr-icon-mail-line" class="fr-btn--sm">
                {t('staff.household.resendInvitation')}
              </Button>
            </form>
          )}
        </li>
      ))}
    </ul>
  );
}

/** The details of an audit entry that people can read: changes old → new, a request, a reason. */
function HistoryDetails(props: { details: Record<string, unknown> }) {
  const { details } = props;
  if (details.changes) return <FieldChangeList changes={details.changes as FieldChanges} />;
  if (details.payload && details.kind) return <RequestChange kind={details.kind as ChangeRequestKind} payload={details.payload as RequestPayload} />;
  if (Array.isArray(details.new) && Array.isArray(details.old))
    return <RequestChange kind="contacts" payload={{ old: details.old as ContactInput[], new: details.new as ContactInput[] }} />;
  if (typeof details.reason === 'string') return <>{details.reason}</>;
  if (typeof details.email === 'string') return <>{details.email}</>;
  return null;
}

function History(props: { entries: HistoryEntry[] }) {
  const { t, fmt } = usePage();
  if (props.entries.length === 0) return <p>{t('staff.audit.none')}</p>;
  const actionLabel = (action: string) => {
    const key = `staff.history.${action}`;
    return isMessageKey(key) ? t(key) : action;
  };
  return (
    <Table caption={t('staff.household.part.history')} focusableId="household-history-caption">
      <thead>
        <tr>
          <th scope="col">{t('staff.audit.when')}</th>
          <th scope="col">{t('staff.audit.who')}</th>
          <th scope="col">{t('staff.audit.action')}</th>
          <th scope="col">{t('staff.audit.details')}</th>
        </tr>
      </thead>
      <tbody>
        {props.entries.map((entry) => (
          <tr key={entry.id}>
            <td>{fmt.dateTime(entry.at)}</td>
            <td>{entry.actor_label}</td>
            <td>{actionLabel(entry.action)}</td>
            <td>
              <HistoryDetails details={entry.details} />
            </td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
