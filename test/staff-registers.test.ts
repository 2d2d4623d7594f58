import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addGroup } from '../src/modules/activities/activity-setup.js';
import { SYSTEM } from '../src/modules/actor.js';
import { createHousehold } from '../src/modules/households/households.js';
import { queueEmail } from '../src/modules/notifications/outbox.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { type FamilyBillingScenario, startFamilyBillingScenario } from './support/family-billing.js';
import { signedInBrowser, type TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';

// A household's whole page and the lists staff print and export: the billing scenario (Thursday
// 3 December 2026) where the Martins have invoices, payments, bookings, and here also enrollments
// in groups, health notes, requests waiting and emails; the Durands, and 50 more households.
describe('a household’s page shows everything, and the lists of households and children print and export', () => {
  let s: FamilyBillingScenario;
  let manager: TestBrowser;
  let reader: TestBrowser;
  let parent: TestBrowser;
  let other: Tenant;
  let foreign: TestFamily;
  let groups: { small: string; big: string };

  before(async () => {
    s = await startFamilyBillingScenario();
    const { portal, tenant, martin, durand } = s;
    groups = await portal.inTenant(tenant, async (base) => {
      const scope = { ...base, actor: SYSTEM };
      return {
        small: await addGroup(scope, { activity_id: s.activityId, name: 'Maternelle', position: 0 }),
        big: await addGroup(scope, { activity_id: s.activityId, name: 'Élémentaire', position: 1 }),
      };
    });
    await portal.inTenant(tenant, async ({ tx, tenantId, now }) => {
      const [lea, hugo] = martin.childIds;
      await tx
        .updateTable('persons')
        .set({ allergies: 'Arachides; œufs', pai: true, pai_details: 'Trousse d’urgence au réfectoire', school: 'École Jean-Jaurès', class_level: 'cm1' })
        .where('id', '=', lea!)
        .execute();
      await tx.updateTable('persons').set({ school: 'École Jean-Jaurès', diet: 'Sans porc' }).where('id', '=', hugo!).execute();
      await tx.updateTable('persons').set({ school: 'École des Prés' }).where('id', '=', durand.childIds[0]!).execute();
      await tx
        .insertInto('enrollments')
        .values([
          {
            tenant_id: tenantId,
            child_id: lea!,
            activity_id: s.activityId,
            group_id: groups.big,
            household_id: martin.householdId,
            status: 'accepted',
            created_at: now,
            decided_at: now,
          },
          {
            tenant_id: tenantId,
            child_id: hugo!,
            activity_id: s.activityId,
            group_id: groups.small,
            household_id: martin.householdId,
            status: 'accepted',
            created_at: now,
            decided_at: now,
          },
        ])
        .execute();
      // A request waiting for the service: Hugo's meal of a December day.
      await tx
        .insertInto('bookings')
        .values({
          tenant_id: tenantId,
          child_id: hugo!,
          unit_id: s.meal,
          day: '2026-12-10',
          household_id: martin.householdId,
          status: 'requested',
          created_at: now,
          updated_at: now,
          holds_pools: [],
        })
        .execute();
    });
    await portal.inTenant(tenant, (scope) =>
      queueEmail(scope, { to: 'CLAIRE.MARTIN@example.test', subject: 'Votre facture d’octobre', text: 'Lien à usage unique : https://secret.example/xyz' }),
    );
    // Fifty households more, without children: the list takes two pages.
    await portal.inTenant(tenant, async (scope) => {
      for (let index = 0; index < 50; index++)
        await createHousehold(scope, {
          name: `ZZ FAMILLE ${String(index).padStart(2, '0')}`,
          members: [{ role: 'guardian', person: { first_name: 'A', last_name: 'ZZ' } }],
        });
    });
    other = await portal.addTenant({ slug: 'voisine', name: 'Ville Voisine' });
    foreign = await createFamily(portal, other, { email: 'autre@example.test', lastName: 'AUTRE', children: ['Nils'] });
    const readerAccount = await createStaff(portal, tenant, { email: 'lecture@example.test', role: 'reader' });
    manager = await signedInBrowser(portal, tenant, s.manager.accountId);
    reader = await signedInBrowser(portal, tenant, readerAccount.accountId);
    parent = await signedInBrowser(portal, tenant, martin.accountId);
  });
  after(() => s.portal.close());

  it('shows a household’s enrollments, month of bookings, requests of every kind, emails and money, with a summary at the top', async () => {
    const page = await manager.get(`/ville/gestion/foyers/${s.martin.householdId}?mois=2026-10`);
    assert.equal(page.statusCode, 200);
    const body = page.body;
    assert.match(body, /2 enfants/);
    assert.match(body, /2 inscriptions acceptées/);
    assert.match(body, /1 demande en attente/);
    assert.match(body, /2 factures à payer/);
    assert.match(body, /Reste dû, toutes régies confondues\s:\s25,30\s€/);
    assert.match(body, /<td>Léa<\/td><td>Cantine 2026-2027<\/td><td>Élémentaire<\/td>/);
    assert.match(body, /Réservations de Léa MARTIN, octobre 2026/);
    assert.match(body, /jeu\. 01\/10<\/th><td[^>]*><ul[^>]*><li>Cantine 2026-2027 — Repas <p class="fr-badge fr-badge--sm fr-badge--success">Présent/);
    assert.match(body, /href="\/ville\/gestion\/foyers\/[^"]+\?mois=2026-09#bookings"/);
    assert.match(body, /href="\/ville\/gestion\/foyers\/[^"]+\?mois=2026-11#bookings"/);
    assert.match(body, /Demande en attente/, 'the booking request is among the requests');
    assert.doesNotMatch(body, /Aucune demande/);
    assert.match(body, /Votre facture d’octobre/);
    assert.doesNotMatch(body, /secret\.example/, 'never an email’s text nor its link');
    assert.match(body, /Factures et avoirs/);
    assert.match(body, /role="region"[^>]*tabindex="0"|tabindex="0"[^>]*role="region"/);

    const december = await manager.get(`/ville/gestion/foyers/${s.martin.householdId}`);
    assert.match(december.body, /Réservations de Hugo MARTIN, décembre 2026/);
    assert.match(december.body, /jeu\. 10\/12<\/th>/);

    const requests = await manager.get(`/ville/gestion/foyers/${s.martin.householdId}/demandes`);
    assert.equal(requests.statusCode, 200);
    assert.match(requests.body, /Demandes de MARTIN Claire/);
    const emails = await manager.get(`/ville/gestion/foyers/${s.martin.householdId}/courriels`);
    assert.equal(emails.statusCode, 200);
    assert.match(emails.body, /Votre facture d’octobre/);
  });

  it('lets read-only staff read the page and export, without a change button nor the emails; families and other tenants get 404', async () => {
    const page = await reader.get(`/ville/gestion/foyers/${s.martin.householdId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /Les courriels envoyés aux familles sont lisibles par les gestionnaires/);
    assert.doesNotMatch(page.body, /Votre facture d’octobre/);
    assert.doesNotMatch(page.body, /Enregistrer un paiement/);
    assert.equal((await reader.get(`/ville/gestion/foyers/${s.martin.householdId}/courriels`)).statusCode, 403);
    assert.equal((await reader.get(`/ville/gestion/foyers/${s.martin.householdId}/demandes`)).statusCode, 200);
    assert.equal((await reader.get('/ville/gestion/foyers/export.csv')).statusCode, 200);
    assert.equal((await reader.get(`/ville/gestion/listes/enfants/export.csv?activite=${s.activityId}`)).statusCode, 200);

    for (const path of [
      '/ville/gestion/foyers',
      '/ville/gestion/foyers/export.csv',
      '/ville/gestion/listes/enfants',
      `/ville/gestion/listes/enfants/export.csv?activite=${s.activityId}`,
      `/ville/gestion/foyers/${s.martin.householdId}/demandes`,
      `/ville/gestion/foyers/${s.martin.householdId}/courriels`,
    ])
      assert.equal((await parent.get(path)).statusCode, 404, path);
    for (const path of ['', '/demandes', '/courriels'])
      assert.equal((await manager.get(`/ville/gestion/foyers/${foreign.householdId}${path}`)).statusCode, 404, `another tenant's household${path}`);
  });

  it('lists every household, paged, sorted and filtered by activity, group, school and pending requests', async () => {
    const first = await manager.get('/ville/gestion/foyers');
    assert.equal(first.statusCode, 200);
    assert.match(first.body, /52 foyers/);
    assert.match(first.body, /Foyers, page 1 sur 2, triés par nom/);
    assert.match(first.body, /aria-current="page"/);
    const second = await manager.get('/ville/gestion/foyers?page=2');
    assert.match(second.body, /ZZ FAMILLE 49/);
    assert.doesNotMatch(second.body, /DURAND Paul/);

    const byBalance = await manager.get('/ville/gestion/foyers?tri=balance&ordre=desc');
    assert.match(byBalance.body, /aria-sort="descending"/);
    assert.ok(byBalance.body.indexOf('MARTIN Claire') < byBalance.body.indexOf('DURAND Paul'), 'the Martins owe more');
    assert.ok(byBalance.body.indexOf('DURAND Paul') < byBalance.body.indexOf('ZZ FAMILLE 00'), 'then the Durands, then those who owe nothing');

    const pending = await manager.get('/ville/gestion/foyers?attente=1');
    assert.match(pending.body, /1 foyer</);
    assert.match(pending.body, /MARTIN Claire/);
    assert.doesNotMatch(pending.body, /DURAND Paul/);

    const small = await manager.get(`/ville/gestion/foyers?groupe=${groups.small}`);
    assert.match(small.body, /1 foyer</);
    assert.match(small.body, /MARTIN Claire/);
    const canteen = await manager.get(`/ville/gestion/foyers?activite=${s.activityId}`);
    assert.match(canteen.body, /2 foyers/, 'the Durands booked the canteen without an enrollment');
    const school = await manager.get(`/ville/gestion/foyers?ecole=${encodeURIComponent('école des prés')}`);
    assert.match(school.body, /1 foyer</);
    assert.match(school.body, /DURAND Paul/);

    const printable = await manager.get('/ville/gestion/foyers?vue=impression');
    assert.match(printable.body, /class="pf-register"/);
    assert.match(printable.body, /ZZ FAMILLE 49/, 'the printable list holds every household');
    assert.doesNotMatch(printable.body, /fr-pagination/);
  });

  it('exports the households as a spreadsheet Excel opens in French, with the filter applied, and writes it to the audit log', async () => {
    const csv = await manager.get('/ville/gestion/foyers/export.csv?attente=1');
    assert.equal(csv.statusCode, 200);
    assert.match(String(csv.headers['content-type']), /^text\/csv; charset=utf-8/);
    assert.match(String(csv.headers['content-disposition']), /^attachment;/);
    const rows = csv.rawPayload.toString('utf8');
    assert.ok(rows.startsWith('\uFEFF'), 'a byte-order mark');
    const lines = rows.slice(1).trimEnd().split('\r\n');
    assert.equal(lines[0], 'N° famille;Foyer;Enfants;Solde;Demandes en attente');
    assert.equal(lines.length, 2, 'one line for the one household with a pending request');
    assert.match(lines[1]!, /;MARTIN Claire;2;.*€;1$/);
    const english = await manager.get('/ville/gestion/foyers/export.csv?lang=en');
    assert.match(english.rawPayload.toString('utf8'), /^\uFEFFFamily number;Household;Children;Balance;Pending requests\r\n/);
    assert.equal(english.rawPayload.toString('utf8').trimEnd().split('\r\n').length, 53);
    await manager.get('/ville/gestion?lang=fr');

    const audit = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('audit_log')
        .select(['actor_account_id', 'details'])
        .where('action', '=', 'export.households')
        .where('actor_account_id', '=', s.manager.accountId)
        .orderBy('at')
        .execute(),
    );
    assert.equal(audit.length, 2);
    assert.equal(audit[0]!.actor_account_id, s.manager.accountId);
    assert.deepEqual(audit[0]!.details, { list: 'households', filter: { attente: '1' }, lines: 1 });
  });

  it('lists the children of an activity by group with their health notes, printable and as a spreadsheet, each export audited', async () => {
    const page = await manager.get(`/ville/gestion/listes/enfants?activite=${s.activityId}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /3 enfants/);
    assert.match(page.body, /Allergies : Arachides; œufs/);
    assert.match(page.body, />PAI</);
    const print = await manager.get(`/ville/gestion/listes/enfants?activite=${s.activityId}&groupe=${groups.big}&vue=impression`);
    assert.match(print.body, /<h1>Cantine 2026-2027 — Élémentaire<\/h1>/);
    assert.match(print.body, /1 enfant</);

    const csv = await manager.get(`/ville/gestion/listes/enfants/export.csv?activite=${s.activityId}`);
    assert.equal(csv.statusCode, 200);
    const lines = csv.rawPayload.toString('utf8').slice(1).trimEnd().split('\r\n');
    assert.equal(
      lines[0],
      'Activité;Groupe;Nom;Prénom;Date de naissance;École;Classe;Foyer;N° famille;Allergies;PAI;Détails du PAI;Régime alimentaire;Autres informations médicales',
    );
    assert.equal(lines.length, 4, 'one line per child: Hugo, Léa, Jules');
    assert.match(lines[1]!, /^Cantine 2026-2027;Maternelle;MARTIN;Hugo;.*;Non;;Sans porc;$/);
    assert.match(
      lines[2]!,
      /^Cantine 2026-2027;Élémentaire;MARTIN;Léa;.*;École Jean-Jaurès;CM1;MARTIN Claire;\d+;"Arachides; œufs";Oui;Trousse d’urgence au réfectoire;;$/,
    );
    assert.match(lines[3]!, /^Cantine 2026-2027;;DURAND;Jules;/, 'booked without an enrollment, without a group');
    const group = await manager.get(`/ville/gestion/listes/enfants/export.csv?activite=${s.activityId}&groupe=${groups.small}`);
    assert.equal(group.rawPayload.toString('utf8').trimEnd().split('\r\n').length, 2, 'the group filter applies');

    const audit = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx
        .selectFrom('audit_log')
        .select('details')
        .where('action', '=', 'export.children')
        .where('actor_account_id', '=', s.manager.accountId)
        .orderBy('at')
        .execute(),
    );
    assert.equal(audit.length, 2);
    assert.deepEqual(audit[1]!.details, { list: 'children', filter: { activityId: s.activityId, groupId: groups.small }, lines: 1 });
    assert.equal((await manager.get(`/ville/gestion/listes/enfants?activite=${foreign.householdId}`)).statusCode, 404);
  });

  it('writes the day’s attendance list downloaded to the audit log', async () => {
    const csv = await manager.get('/ville/gestion/presences/export.csv?site=aucune&jour=2026-10-01');
    assert.equal(csv.statusCode, 200);
    assert.equal(csv.rawPayload.toString('utf8').trimEnd().split('\r\n').length, 4, 'Léa, Hugo and Jules that day');
    const audit = await s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('audit_log').select('details').where('action', '=', 'export.attendance').execute(),
    );
    assert.deepEqual(audit[0]?.details, { list: 'attendance', filter: { site: 'none', day: '2026-10-01' }, lines: 3 });
  });
});
