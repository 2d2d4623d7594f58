import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { addBookingPeriod, addCapacityPool, addUnit, setUnitRelations } from '../src/modules/activities/activity-setup.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { activityForm as staffActivityForm } from './support/activity-form.js';
import { loggedInBrowser, type TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

// Pre-registration by period, as in the guides' seeds 000 and 003: the Wednesdays of January to
// March open for booking until Tuesday 15 December inclusive, those of April to June from Monday
// 1 March at 08:00. The clock stands on Tuesday 1 December 2026, 10:00 in Paris.
const NOW = '2026-12-01T09:00:00Z';

/** The activity as staff fill its form in: Wednesdays all year, J-7 at midnight, no enrollment needed. */
const activityForm = (overrides: Record<string, string | string[]> = {}) =>
  staffActivityForm({ name: 'Mercredis 2026-2027', requiresEnrollment: 'false', waitlistMode: 'automatic', ...overrides });

/** The thirteen Wednesdays of January to March 2027. */
const WINTER_WEDNESDAYS = [
  '2027-01-06',
  '2027-01-13',
  '2027-01-20',
  '2027-01-27',
  '2027-02-03',
  '2027-02-10',
  '2027-02-17',
  '2027-02-24',
  '2027-03-03',
  '2027-03-10',
  '2027-03-17',
  '2027-03-24',
  '2027-03-31',
];

describe('families book by period: the whole period at once, its answer kept, its places and deadlines in words', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let neighbour: TestFamily;
  let staff: TestBrowser;
  let activityId: string;
  let units: { day: string; morning: string };
  let poolId: string;

  const signIn = (email: string) => loggedInBrowser(portal, email);
  const calendarUrl = (extra = '') => `/ville/reservations?enfant=${family.childIds[0]}&enfant=${family.childIds[1]}&activite=${activityId}${extra}`;
  const boxesTicked = (html: string) => [...html.matchAll(/name="choix" value="([^"]+)" checked/g)].map((match) => match[1]!);

  before(async () => {
    portal = await startTestPortal({ now: NOW });
    tenant = await portal.addTenant({ slug: 'ville', time_zone: 'Europe/Paris' });
    family = await createFamily(portal, tenant, { email: 'lou@example.test', firstName: 'Lou', lastName: 'MOREL', children: ['Léo', 'Zoé'] });
    neighbour = await createFamily(portal, tenant, { email: 'voisin@example.test', lastName: 'VOISIN', children: ['Paul'] });
    const agent = await createStaff(portal, tenant, { email: 'agent@example.test' });
    staff = await signIn('agent@example.test');
    await staff.get('/ville/gestion/activites/nouvelle');
    const saved = await staff.post('/ville/gestion/activites/nouvelle', activityForm());
    activityId = /\/gestion\/activites\/([0-9a-f-]{36})/.exec(String(saved.headers.location))![1]!;
    await portal.inTenant(tenant, async (base) => {
      const scope: Scope = { ...base, actor: { kind: 'staff', accountId: agent.accountId, role: 'manager', label: 'Agent' } };
      units = {
        day: await addUnit(scope, { activity_id: activityId, name: 'Journée', code: 'J', position: 0 }),
        morning: await addUnit(scope, { activity_id: activityId, name: 'Matin', code: 'M', position: 1 }),
      };
      await setUnitRelations(scope, units.day, { excludes: [units.morning], requiresAny: [] });
      poolId = await addCapacityPool(scope, { activity_id: activityId, group_id: null, unit_ids: [units.day], places: 3 });
      await addBookingPeriod(scope, {
        activity_id: activityId,
        name: 'Mercredis janvier–mars',
        first_day: '2027-01-06',
        last_day: '2027-03-31',
        opens_at: new Date('2026-11-30T07:00:00Z'),
        closes_at: new Date('2026-12-15T23:00:00Z'),
      });
      await addBookingPeriod(scope, {
        activity_id: activityId,
        name: 'Mercredis avril–juin',
        first_day: '2027-04-07',
        last_day: '2027-06-30',
        opens_at: new Date('2027-03-01T07:00:00Z'),
        closes_at: new Date('2027-03-20T23:00:00Z'),
      });
    });
  });
  after(() => portal.close());

  it('offers the periods as people say them, shows the open one whole and ticks every Wednesday of its three months at once', async () => {
    portal.clock.set(NOW);
    const browser = await signIn(family.email);
    const page = await browser.get(calendarUrl());
    assert.equal(page.statusCode, 200);
    assert.match(
      page.body,
      /selected>Mercredis janvier–mars — du 06\/01\/2027 au 31\/03\/2027, ouvertes jusqu’au mardi 15\/12 inclus<\/option>/,
      'the only open period is chosen',
    );
    assert.match(page.body, /Mercredis avril–juin — du 07\/04\/2027 au 30\/06\/2027, ouvre le lundi 01\/03 à 08:00/);
    for (const day of ['06/01', '17/02', '31/03']) assert.match(page.body, new RegExp(`<th scope="row">mer\\. ${day.replace('/', '\\/')}`), `${day} shown`);
    assert.equal([...page.body.matchAll(/jusqu’au mardi 15\/12 inclus/g)].length, 2, 'the deadline once above the calendar, once in the period’s name');

    const applied = await browser.get(calendarUrl(`&jour=3&prestation=${units.day}&appliquer=1`));
    const ticked = boxesTicked(applied.body);
    assert.equal(ticked.length, 2 * WINTER_WEDNESDAYS.length, 'every Wednesday of January, February and March, for both children');
    assert.deepEqual(
      ticked.filter((value) => value.startsWith(family.childIds[0]!)).map((value) => value.split('|')[2]),
      WINTER_WEDNESDAYS,
    );
    assert.ok(ticked.every((value) => value.includes(`|${units.day}|`)));
    assert.match(applied.body, /data-units="[^"]*excludes/, 'the units’ relations for the page’s own check');
    assert.match(applied.body, /data-conflict="\{child\}, \{day\} — \{units\} : incompatible avec les autres prestations du jour\."/, 'in the server’s words');
  });

  it('says when the next period opens when none is open', async () => {
    portal.clock.set('2026-12-20T09:00:00Z');
    const browser = await signIn(family.email);
    const page = await browser.get(calendarUrl());
    assert.match(page.body, /Aucune période de réservation n’est ouverte pour cette activité\./);
    assert.match(page.body, /La prochaine, « Mercredis avril–juin » \(du 07\/04\/2027 au 30\/06\/2027\), ouvre le lundi 01\/03 à 08:00\./);
    assert.doesNotMatch(page.body, /name="choix"/);
    const english = await browser.get(calendarUrl('&lang=en'));
    assert.match(english.body, /The next one, “Mercredis avril–juin” \(07\/04\/2027 to 30\/06\/2027\), opens on Monday 01\/03 at 08:00\./);
  });

  it('answers a booking on a page of its own that a refresh shows again without booking again; refusals on the spot reach Mes demandes', async () => {
    portal.clock.set(NOW);
    const browser = await signIn(family.email);
    await browser.get(calendarUrl());
    const [leo, zoe] = family.childIds as [string, string];
    const sent = await browser.post('/ville/reservations', {
      activite: activityId,
      retour: `enfant=${leo}&activite=${activityId}`,
      choix: [`${leo}|${units.day}|2027-01-06`, `${leo}|${units.morning}|2027-01-06`, `${zoe}|${units.day}|2027-01-13`],
    });
    assert.equal(sent.statusCode, 303);
    const location = String(sent.headers.location);
    assert.match(location, /^\/ville\/reservations\/resultat\/[0-9a-f-]{36}\?retour=/);
    const result = await browser.follow(sent);
    assert.equal(result.statusCode, 200);
    assert.match(result.body, /<h1>Résultat de vos réservations<\/h1>/);
    assert.match(result.body, /<caption[^>]*>Réponse par enfant et par jour<\/caption>/, 'the table says what it holds rather than repeating the title');
    assert.match(result.body, /<td>Zoé MOREL<\/td><td>mer\. 13\/01<\/td><td>Journée<\/td><td><p class="fr-badge fr-badge--sm fr-badge--success">Réservée/);
    assert.equal([...result.body.matchAll(/incompatible avec les autres prestations du jour/g)].length, 2, 'Journée and Matin together: both refused');
    assert.match(result.body, new RegExp(`href="/ville/reservations\\?enfant=${leo}&amp;activite=${activityId}"`), 'back to the calendar left');

    const refreshed = await browser.get(location);
    assert.equal(refreshed.statusCode, 200);
    assert.match(refreshed.body, /Réservée/);
    const rows = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('bookings').select('id').where('household_id', '=', family.householdId).execute());
    assert.equal(rows.length, 1, 'the refresh booked nothing');

    const other = await signIn(neighbour.email);
    assert.equal((await other.get(location)).statusCode, 404, 'another household cannot read the answer');

    const requests = await browser.get('/ville/mes-demandes?type=booking');
    assert.match(
      requests.body,
      /<td>Léo MOREL<\/td><td[^>]*><ul[^>]*><li>Mercredis 2026-2027<\/li><li>Journée — 06\/01\/2027<\/li><li>Matin — 06\/01\/2027<\/li><\/ul><\/td><td>01\/12\/2026 10:00<\/td><td><p[^>]*>Refusée<\/p><\/td><td[^>]*><p[^>]*>incompatible avec les autres prestations du jour</,
      'the refusal on the spot, with its reason',
    );
    assert.match(requests.body, /Mercredis 2026-2027 — Journée — 13\/01\/2027/);
    assert.doesNotMatch((await other.get('/ville/mes-demandes?type=booking')).body, /06\/01\/2027/);
  });

  it('says before sending that a full day goes on the waiting list, and the places left when the service shows them', async () => {
    portal.clock.set(NOW);
    await portal.inTenant(tenant, async ({ tx, tenantId }) => {
      await tx
        .insertInto('capacity_days')
        .values([
          { tenant_id: tenantId, pool_id: poolId, day: '2027-01-20', places: 3, taken: 3 },
          { tenant_id: tenantId, pool_id: poolId, day: '2027-01-27', places: 3, taken: 2 },
        ])
        .execute();
    });
    const browser = await signIn(family.email);
    const hidden = await browser.get(calendarUrl());
    assert.match(
      hidden.body,
      /<th scope="row">mer\. 20\/01(?:(?!<\/tr>)[\s\S])*complet : votre demande ira en liste d’attente(?:(?!<\/tr>)[\s\S])*>Complet</,
      'a full day says so',
    );
    assert.doesNotMatch(hidden.body, /\d places?</, 'the places left are the service’s to know until it shows them');

    await staff.get(`/ville/gestion/activites/${activityId}/modifier`);
    const saved = await staff.post(`/ville/gestion/activites/${activityId}/modifier`, activityForm({ showPlacesLeft: 'true' }));
    assert.equal(saved.statusCode, 302, saved.body.slice(0, 1000));
    const shown = await browser.get(calendarUrl());
    assert.match(shown.body, /<th scope="row">mer\. 27\/01(?:(?!<\/tr>)[\s\S])*>1 place</, 'one place: singular');
    assert.match(shown.body, /<th scope="row">mer\. 03\/02(?:(?!<\/tr>)[\s\S])*>3 places</);
    assert.match(shown.body, /<th scope="row">mer\. 20\/01(?:(?!<\/tr>)[\s\S])*complet : votre demande ira en liste d’attente/);
    const english = await browser.get(calendarUrl('&lang=en'));
    assert.match(english.body, />1 place left</);
    assert.match(english.body, /full: your request will go on the waiting list/);
  });
});
