import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { recordPayment } from '../src/modules/ledger/payments.js';
import { applyRetentionEverywhere } from '../src/modules/retention/retention-job.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { type BillingScenario, startBillingScenario } from './support/billing-scenario.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';

/**
 * Data retention (issue #17, RGPD): staff close the file of a family that left; the nightly job
 * erases its personal data once the authority's keeping time has passed, keeps what the public
 * accounts need, and removes old emails, threads, connection traces and audit entries, money's
 * entries aside. The authority's administrator sets the keeping times.
 */
describe('closing a household and keeping personal data no longer than chosen', () => {
  let s: BillingScenario;
  let manager: TestBrowser;
  let admin: TestBrowser;
  let reader: TestBrowser;
  let leroy: TestFamily;
  let adminId: string;
  const log = { error: (details: object, message: string) => assert.fail(`${message} ${JSON.stringify(details)}`) };
  const row = <T>(work: (tx: Parameters<Parameters<BillingScenario['portal']['inTenant']>[1]>[0]['tx']) => Promise<T>) =>
    s.portal.inTenant(s.tenant, ({ tx }) => work(tx));
  const runJob = () => applyRetentionEverywhere({ db: s.portal.db, clock: s.portal.clock, log });

  before(async () => {
    s = await startBillingScenario();
    manager = await signedInBrowser(s.portal, s.tenant, s.manager.accountId);
    adminId = (await row((tx) => tx.selectFrom('accounts').select('id').where('email', '=', 'admin@example.test').executeTakeFirstOrThrow())).id;
    admin = await signedInBrowser(s.portal, s.tenant, adminId);
    reader = await signedInBrowser(s.portal, s.tenant, (await createStaff(s.portal, s.tenant, { email: 'lecture@example.test', role: 'reader' })).accountId);
    leroy = await createFamily(s.portal, s.tenant, { email: 'leroy@example.test', lastName: 'LEROY', children: ['Tom'] });
    // Jules also lives with the Martins (separated parents): erasing the Durands must not erase him.
    await row((tx) =>
      tx
        .insertInto('household_members')
        .values({ tenant_id: s.tenant.id, household_id: s.martin.householdId, person_id: s.durand.childIds[0]!, role: 'child' })
        .execute(),
    );
    await s.book(s.durand, 0, s.meal, '2026-10-05', 'present');
    await s.book(s.durand, 0, s.meal, '2026-12-10', 'reserved');
    await row(async (tx) => {
      await tx.updateTable('persons').set({ allergies: 'arachide', mobile_phone: '06 11 22 33 44' }).where('email', '=', 'paul.durand@example.test').execute();
      await tx
        .insertInto('outbox_emails')
        .values({ tenant_id: s.tenant.id, to_address: 'paul.durand@example.test', subject: 'Votre réservation', text_body: '…', status: 'sent' })
        .execute();
      // A document the Durands sent for a kind an activity asks (documents space): erased with them.
      const kind = await tx
        .insertInto('document_types')
        .values({ tenant_id: s.tenant.id, label: 'Assurance', validity: 'none' })
        .returning('id')
        .executeTakeFirstOrThrow();
      const file = await tx
        .insertInto('documents')
        .values({
          tenant_id: s.tenant.id,
          household_id: s.durand.householdId,
          kind: 'requested',
          filename: 'assurance.pdf',
          content_type: 'application/pdf',
          size_bytes: 8,
          content: Buffer.from('%PDF-1.4'),
        })
        .returning('id')
        .executeTakeFirstOrThrow();
      await tx
        .insertInto('document_submissions')
        .values({ tenant_id: s.tenant.id, household_id: s.durand.householdId, document_type_id: kind.id, document_id: file.id, sent_at: new Date() })
        .execute();
      await tx
        .insertInto('change_requests')
        .values({
          tenant_id: s.tenant.id,
          household_id: s.durand.householdId,
          kind: 'record',
          payload: JSON.stringify({ fields: { city: { old: 'A', new: 'B' } } }),
        })
        .execute();
    });
    const paid = await s.asManager((scope) =>
      recordPayment(scope, {
        householdId: leroy.householdId,
        regieId: s.regieId,
        method: 'cash',
        amount: '5',
        receivedOn: '2026-12-03',
        payerName: 'LEROY',
        keepCredit: true,
      }),
    );
    assert.equal(paid.kind, 'recorded', JSON.stringify(paid));
  });
  after(() => s?.portal.close());

  const closurePage = (family: TestFamily) => `/ville/gestion/foyers/${family.householdId}/cloture`;

  it('is refused to read-only staff and unknown to families', async () => {
    assert.equal((await reader.get(closurePage(s.durand))).statusCode, 403);
    await reader.get('/ville/gestion');
    assert.equal((await reader.post(closurePage(s.durand), { action: 'close' })).statusCode, 403);
    const family = await signedInBrowser(s.portal, s.tenant, s.martin.accountId);
    assert.equal((await family.get(closurePage(s.durand))).statusCode, 404);
    assert.equal((await admin.get('/ville/gestion/parametres/conservation')).statusCode, 200);
    assert.equal((await manager.get('/ville/gestion/parametres/conservation')).statusCode, 403);
  });

  it('says what closing does, and refuses while days to come are booked', async () => {
    const page = await manager.get(closurePage(s.durand));
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Ses comptes sur le portail sont désactivés/);
    assert.match(page.body, /ne peut pas encore être clôturé[^<]*\(nombre : 1\)/);
    const refused = await manager.post(closurePage(s.durand), { action: 'close' });
    assert.equal(refused.statusCode, 409);
    assert.equal(
      (await row((tx) => tx.selectFrom('households').select('closed_at').where('id', '=', s.durand.householdId).executeTakeFirstOrThrow())).closed_at,
      null,
    );
  });

  it('closes the file: the family can no longer log in, and staff see when its data will be erased; reopening undoes it', async () => {
    await row((tx) => tx.updateTable('bookings').set({ status: 'cancelled' }).where('day', '=', '2026-12-10').execute());
    const family = await signedInBrowser(s.portal, s.tenant, s.durand.accountId);
    assert.equal((await family.get('/ville/mes-demandes')).statusCode, 200);
    await manager.get(closurePage(s.durand));
    const closed = await manager.post(closurePage(s.durand), { action: 'close' });
    assert.equal(closed.statusCode, 303);
    const file = await manager.follow(closed);
    assert.match(file.body, /Le dossier est clôturé/);
    assert.match(file.body, /Dossier clôturé le jeudi 3 décembre 2026/);
    assert.match((await manager.get(closurePage(s.durand))).body, /seront effacées le lundi 3 décembre 2029/, '36 months by default');
    assert.equal((await family.get('/ville/mes-demandes')).statusCode, 302, 'its session ended');
    const account = () => row((tx) => tx.selectFrom('accounts').select('status').where('id', '=', s.durand.accountId).executeTakeFirstOrThrow());
    assert.equal((await account()).status, 'disabled');

    const reopened = await manager.post(closurePage(s.durand), { action: 'reopen' });
    assert.match((await manager.follow(reopened)).body, /Le dossier est rouvert/);
    assert.equal((await account()).status, 'active');
    await manager.post(closurePage(s.durand), { action: 'close' });
    await manager.get(closurePage(leroy));
    assert.equal((await manager.post(closurePage(leroy), { action: 'close' })).statusCode, 303);
  });

  it('lets the administrator choose the keeping times, with a clear message for a value out of range', async () => {
    await admin.get('/ville/gestion/parametres/conservation');
    const form = { closedHouseholdMonths: '24', messageMonths: '24', fileMonths: '24', emailMonths: '12', connectionMonths: '3', auditMonths: '60' };
    const wrong = await admin.post('/ville/gestion/parametres/conservation', form);
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /id="field-connectionMonths-error"[^>]*>[^<]*Saisissez un nombre entier de mois entre 6 et 12/);
    assert.match(wrong.body, /name="closedHouseholdMonths"[^>]*value="24"/, 'what was typed is kept');
    const saved = await admin.post('/ville/gestion/parametres/conservation', { ...form, connectionMonths: '6' });
    assert.equal(saved.statusCode, 303);
    assert.match((await admin.follow(saved)).body, /Les durées de conservation sont enregistrées/);
    const settings = await row((tx) => tx.selectFrom('tenants').select('settings').executeTakeFirstOrThrow());
    assert.equal(settings.settings.retention?.closedHouseholdMonths, 24);
  });

  it('erases a closed household past its keeping time, but what the accounts need and a child who lives elsewhere too', async () => {
    assert.equal((await runJob()).get(s.tenant.id)?.erasedHouseholds, 0, 'nothing is due yet');
    s.portal.clock.set(new Date('2028-12-04T09:00:00Z'));
    const outcome = (await runJob()).get(s.tenant.id)!;
    assert.equal(outcome.erasedHouseholds, 1);
    assert.equal(outcome.householdsAwaitingSettlement, 1, 'the Leroys have a credit to refund: kept');

    const household = await row((tx) => tx.selectFrom('households').selectAll().where('id', '=', s.durand.householdId).executeTakeFirstOrThrow());
    assert.equal(household.name, 'Foyer effacé');
    assert.ok(household.erased_at);
    assert.ok(household.family_number, 'the family number stays for the accounts');
    const people = await row((tx) =>
      tx
        .selectFrom('household_members as m')
        .innerJoin('persons as p', 'p.id', 'm.person_id')
        .select(['p.first_name', 'p.last_name', 'p.email', 'p.allergies', 'p.mobile_phone'])
        .where('m.household_id', '=', s.durand.householdId)
        .orderBy('p.first_name')
        .execute(),
    );
    assert.deepEqual(people, [
      { first_name: 'Jules', last_name: 'DURAND', email: null, allergies: null, mobile_phone: null },
      { first_name: 'Personne', last_name: 'effacée', email: null, allergies: null, mobile_phone: null },
    ]);
    const account = await row((tx) =>
      tx.selectFrom('accounts').select(['email', 'password_hash', 'status']).where('id', '=', s.durand.accountId).executeTakeFirstOrThrow(),
    );
    assert.equal(account.password_hash, null);
    assert.match(account.email, /^erased-.*@invalid\.invalid$/);
    const count = (table: 'outbox_emails' | 'change_requests' | 'bookings' | 'documents', column: 'to_address' | 'household_id', value: string) =>
      row(async (tx) =>
        Number(
          (
            await tx
              .selectFrom(table)
              .select((eb) => eb.fn.countAll<string>().as('n'))
              .where(column, '=', value)
              .executeTakeFirstOrThrow()
          ).n,
        ),
      );
    assert.equal(await count('outbox_emails', 'to_address', 'paul.durand@example.test'), 0);
    assert.equal(await count('change_requests', 'household_id', s.durand.householdId), 0);
    assert.equal(await count('documents', 'household_id', s.durand.householdId), 0, 'its files too');
    assert.equal(await count('bookings', 'household_id', s.durand.householdId), 2, 'bookings stay: they are what was billed');
    const leroyRow = await row((tx) => tx.selectFrom('households').select(['name', 'erased_at']).where('id', '=', leroy.householdId).executeTakeFirstOrThrow());
    assert.deepEqual(leroyRow, { name: 'LEROY Alice', erased_at: null });
    const martin = await row((tx) => tx.selectFrom('households').select('name').where('id', '=', s.martin.householdId).executeTakeFirstOrThrow());
    assert.equal(martin.name, 'MARTIN Claire');

    // Two years later: a new session.
    const shown = await (await signedInBrowser(s.portal, s.tenant, adminId)).get('/ville/gestion/parametres/conservation');
    assert.match(shown.body, /dossiers effacés : 1/);
    assert.match(shown.body, /dossiers gardés jusqu’au solde de leur compte : 1/);
  });

  it('deletes old emails, threads and connection traces, and old audit entries but those about money', async () => {
    const now = s.portal.clock.now();
    const monthsAgo = (months: number) => new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - months, now.getUTCDate()));
    const ids = await row(async (tx) => {
      const email = (at: Date) =>
        tx
          .insertInto('outbox_emails')
          .values({ tenant_id: s.tenant.id, to_address: 'claire.martin@example.test', subject: 'x', text_body: 'x', status: 'sent', created_at: at })
          .returning('id')
          .executeTakeFirstOrThrow();
      const audit = (action: string, at: Date) =>
        tx.insertInto('audit_log').values({ tenant_id: s.tenant.id, at, actor_label: 'x', action, ip: '192.0.2.1' }).returning('id').executeTakeFirstOrThrow();
      return {
        oldEmail: (await email(monthsAgo(13))).id,
        newEmail: (await email(monthsAgo(11))).id,
        oldLogin: (await audit('account.login', monthsAgo(7))).id,
        recentChange: (await audit('activity.updated', monthsAgo(7))).id,
        oldChange: (await audit('activity.updated', monthsAgo(61))).id,
        oldPayment: (await audit('payment.recorded', monthsAgo(61))).id,
        ancientPayment: (await audit('payment.recorded', monthsAgo(121))).id,
      };
    });
    const outcome = (await runJob()).get(s.tenant.id)!;
    assert.ok(outcome.emails >= 1 && outcome.auditEntries >= 2 && outcome.connectionTraces >= 2, JSON.stringify(outcome));
    const emails = await row((tx) => tx.selectFrom('outbox_emails').select('id').where('id', 'in', [ids.oldEmail, ids.newEmail]).execute());
    assert.deepEqual(
      emails.map((email) => email.id),
      [ids.newEmail],
    );
    const audit = await row((tx) =>
      tx
        .selectFrom('audit_log')
        .select(['id', 'ip'])
        .where('id', 'in', [ids.oldLogin, ids.recentChange, ids.oldChange, ids.oldPayment, ids.ancientPayment])
        .orderBy('id')
        .execute(),
    );
    assert.deepEqual(audit, [
      { id: ids.recentChange, ip: null },
      { id: ids.oldPayment, ip: null },
    ]);
  });
});
