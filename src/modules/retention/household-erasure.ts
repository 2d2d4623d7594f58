import { sql } from 'kysely';
import { recordAudit } from '../audit/audit-log.js';
import type { Scope } from '../scope.js';

/** What an erased person is called on the pages and documents that still name them (bookings, invoices). */
const ERASED_PERSON = { first_name: 'Personne', last_name: 'effacée' } as const;
const ERASED_HOUSEHOLD_NAME = 'Foyer effacé';

/**
 * Erases the personal data of a closed household whose keeping time has passed (RGPD): its people
 * (but one who still belongs to another household that is kept, a child of separated parents),
 * their contacts, its accounts, requests, quotients, messages, files, calendar feeds and the
 * emails sent to it. What the law keeps stays: its family number, bookings, invoices and payments
 * (the accounting documents name their payer themselves), and the audit log.
 */
export async function eraseHousehold(scope: Scope, householdId: string): Promise<void> {
  const { tx } = scope;
  const members = await tx
    .selectFrom('household_members as m')
    .select('m.person_id')
    .where('m.household_id', '=', householdId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('household_members as other')
            .innerJoin('households as h', 'h.id', 'other.household_id')
            .select('other.person_id')
            .whereRef('other.person_id', '=', 'm.person_id')
            .where('other.household_id', '!=', householdId)
            .where('h.erased_at', 'is', null),
        ),
      ),
    )
    .execute();
  const personIds = members.map((member) => member.person_id);
  const accounts = await tx.selectFrom('accounts').select(['id', 'email']).where('household_id', '=', householdId).execute();
  const people = personIds.length === 0 ? [] : await tx.selectFrom('persons').select('email').where('id', 'in', personIds).execute();
  const addresses = [...new Set([...accounts.map((account) => account.email), ...people.flatMap((person) => (person.email ? [person.email] : []))])];

  if (addresses.length > 0) {
    await tx.deleteFrom('outbox_emails').where('to_address', 'in', addresses).execute();
    await tx.deleteFrom('account_requests').where('email', 'in', addresses).execute();
  }
  await tx.deleteFrom('message_threads').where('household_id', '=', householdId).execute();
  await tx.updateTable('absence_declarations').set({ document_id: null, comment: null }).where('household_id', '=', householdId).execute();
  await tx.deleteFrom('document_submissions').where('household_id', '=', householdId).execute();
  await tx.deleteFrom('documents').where('household_id', '=', householdId).execute();
  await tx.deleteFrom('calendar_feeds').where('household_id', '=', householdId).execute();
  await tx.deleteFrom('change_requests').where('household_id', '=', householdId).execute();
  await tx.deleteFrom('booking_submissions').where('household_id', '=', householdId).execute();
  await tx.deleteFrom('household_quotients').where('household_id', '=', householdId).execute();
  await tx.updateTable('enrollments').set({ comment: null }).where('household_id', '=', householdId).execute();
  const accountIds = accounts.map((account) => account.id);
  if (accountIds.length > 0) {
    await tx.deleteFrom('sessions').where('account_id', 'in', accountIds).execute();
    await tx.deleteFrom('api_tokens').where('account_id', 'in', accountIds).execute();
    await tx.deleteFrom('account_tokens').where('account_id', 'in', accountIds).execute();
    // Each account keeps its row (what it did stays in the journal) under an address that reaches no one.
    await tx
      .updateTable('accounts')
      .set({
        email: sql<string>`'erased-' || id::text || '@invalid.invalid'`,
        display_name: ERASED_PERSON.first_name,
        password_hash: null,
        totp_secret: null,
        totp_enabled_at: null,
        totp_last_step: null,
        status: 'disabled',
      })
      .where('id', 'in', accountIds)
      .execute();
  }
  if (personIds.length > 0) {
    await tx.deleteFrom('child_contacts').where('child_id', 'in', personIds).execute();
    await tx
      .updateTable('persons')
      .set({
        ...ERASED_PERSON,
        civility: null,
        birth_date: null,
        sex: null,
        email: null,
        mobile_phone: null,
        marital_status: null,
        address_line1: null,
        postcode: null,
        city: null,
        home_phone: null,
        work_phone: null,
        profession: null,
        employer: null,
        school: null,
        class_level: null,
        allergies: null,
        pai: false,
        pai_details: null,
        diet: null,
        doctor_name: null,
        doctor_phone: null,
        vaccinations_up_to_date: null,
        vaccination_notes: null,
        glasses: false,
        health_notes: null,
        image_consent: false,
        updated_at: scope.now,
      })
      .where('id', 'in', personIds)
      .execute();
  }
  await tx
    .updateTable('households')
    .set({
      name: ERASED_HOUSEHOLD_NAME,
      address_line1: null,
      address_line2: null,
      postcode: null,
      city: null,
      home_phone: null,
      regime: null,
      allocataire_number: null,
      quotient_familial: null,
      quotient_familial_date: null,
      quotient_familial_source: null,
      tax_dependents: null,
      tax_reference_income_cents: null,
      iban: null,
      bic: null,
      account_holder: null,
      direct_debit_requested: false,
      erased_at: scope.now,
      updated_at: scope.now,
    })
    .where('id', '=', householdId)
    .execute();
  await recordAudit(scope, {
    action: 'household.erased',
    objectType: 'household',
    objectId: householdId,
    details: { people: personIds.length, accounts: accounts.length },
  });
}
