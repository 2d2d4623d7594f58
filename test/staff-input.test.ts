import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { addCapacityPool, addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import { SYSTEM } from '../src/modules/actor.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * The back office reads its addresses, queries and forms through schemas: an address whose id is not
 * an id names nothing (404, as an unknown id), a value no page writes (a decision button, a mark, a
 * choice in a list) is refused as a bad request (400, "Demande incorrecte"), and what staff type
 * keeps coming back as field messages from the modules.
 */
describe('staff pages read their input by schemas', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let activityId: string;
  let unitId: string;
  let poolId: string;
  let staff: TestBrowser;

  before(async () => {
    portal = await startTestPortal({ now: '2026-08-25T10:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville', name: 'Ville Test', time_zone: 'Europe/Paris' });
    family = await createFamily(portal, tenant, { email: 'nina@example.test' });
    await createStaff(portal, tenant, { email: 'agent@example.test', role: 'admin' });
    ({ activityId, unitId, poolId } = await portal.inTenant(tenant, async (base) => {
      const scope = { ...base, actor: SYSTEM };
      const id = await createActivity(scope, {
        name: 'Mercredis',
        kind: 'alsh_wednesday',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [3],
        opening: 'all',
        requires_enrollment: false,
      });
      const unit = await addUnit(scope, { activity_id: id, name: 'Journée', code: 'J' });
      const pool = await addCapacityPool(scope, { activity_id: id, group_id: null, unit_ids: [unit], places: 10 });
      return { activityId: id, unitId: unit, poolId: pool };
    }));
    staff = new TestBrowser(portal.app);
    await staff.get('/ville/connexion');
    await staff.post('/ville/connexion', { email: 'agent@example.test', password: PASSWORD });
  });
  after(() => portal.close());

  it('answers 404 to an address whose id is not an id, or names an unknown section or day, as to an unknown id', async () => {
    const activities = '/ville/gestion/activites';
    const unknown = randomUUID();
    const gets = [
      `${activities}/sites/pas-un-id`,
      `${activities}/pas-un-id/modifier`,
      `${activities}/${activityId}/groupes/pas-un-id`,
      `${activities}/${activityId}/prestations/pas-un-id`,
      `${activities}/${activityId}/prestations/${unknown}`,
      `${activities}/${activityId}/places/pas-un-id`,
      `${activities}/${activityId}/places/pas-un-id/dates`,
      `${activities}/${activityId}/periodes/pas-un-id`,
      `${activities}/${activityId}/periodes/pas-un-id/tirage`,
      `${activities}/pas-un-id/inscriptions`,
      '/ville/gestion/calendrier/vacances/pas-un-id',
      `/ville/gestion/calendrier/fermetures/${unknown}`,
      '/ville/gestion/courriels/pas-un-id',
      `/ville/gestion/foyers/${family.householdId}/pas-une-rubrique`,
      `/ville/gestion/foyers/${family.householdId}/personnes/pas-un-id/identity`,
      `/ville/gestion/foyers/${family.householdId}/personnes/${family.childIds[0]}/pas-une-rubrique`,
      `/ville/gestion/places/${activityId}/2026-02-31`,
      `/ville/gestion/places/${activityId}/le-mercredi`,
    ];
    for (const path of gets) assert.equal((await staff.get(path)).statusCode, 404, path);
    await staff.get(`${activities}/${activityId}`);
    const posts = [
      `${activities}/${activityId}/groupes/pas-un-id/suppression`,
      `${activities}/${activityId}/prestations/pas-un-id`,
      `${activities}/${activityId}/places/${poolId}/dates/2026-13-01/retablir`,
      `${activities}/${activityId}/periodes/pas-un-id/tirage/lancer`,
      '/ville/gestion/calendrier/vacances/pas-un-id/suppression',
      '/ville/gestion/demandes-de-compte/pas-un-id/decision',
      '/ville/gestion/actualites/pas-un-id/suppression',
      `/ville/gestion/foyers/${family.householdId}/invitations/pas-un-id`,
    ];
    for (const path of posts) assert.equal((await staff.post(path, { name: 'X' })).statusCode, 404, path);
    const units = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('units').select('id').execute());
    assert.deepEqual(
      units.map((unit) => unit.id),
      [unitId],
      'nothing was changed',
    );
  });

  it('refuses as a bad request the values no page writes: decision buttons, marks, choices', async () => {
    const check = async (what: string, response: Promise<{ statusCode: number; body: string }>) => {
      const { statusCode, body } = await response;
      assert.equal(statusCode, 400, what);
      assert.match(body, /Demande incorrecte/, what);
    };
    await staff.get('/ville/gestion/validations');
    await check('a decision on no id', staff.post('/ville/gestion/validations', { act: 'accept:booking:pas-un-id' }));
    await check('an unknown verb', staff.post('/ville/gestion/validations', { act: `delete:booking:${randomUUID()}` }));
    await check('a ticked box of an unknown kind', staff.post('/ville/gestion/validations', { act: 'accept:selection', ids: `payment:${randomUUID()}` }));
    await check(
      'a group that is not a group',
      staff.post('/ville/gestion/validations', { act: `accept:enrollment:${randomUUID()}`, [`group.${randomUUID()}`]: 'Grands' }),
    );
    await check('a group field of no enrollment', staff.post('/ville/gestion/validations', { act: 'accept:selection', 'group.pas-un-id': '' }));
    await check('a change request decision on no id', staff.post('/ville/gestion/demandes', { act: 'accept:pas-un-id' }));
    await check('an unknown kind of change request', staff.get('/ville/gestion/demandes?type=tout'));
    await check('a waiting-list decision on no id', staff.post(`/ville/gestion/places/${activityId}/2026-09-02`, { act: 'promote:pas-un-id' }));
    await check('an activity that is not an id', staff.get('/ville/gestion/places?activite=pas-un-id'));
    await check('a unit that is not an id', staff.get(`/ville/gestion/places/${activityId}/2026-09-02?unite=pas-un-id`));
    await check('a mark of no booking', staff.post('/ville/gestion/presences', { jour: '2026-08-25', 'mark.pas-un-id': 'present' }));
    await check('an unknown mark', staff.post('/ville/gestion/presences', { jour: '2026-08-25', [`mark.${randomUUID()}`]: 'peut-etre' }));
    await check('a site that is not a site', staff.get('/ville/gestion/presences?site=ailleurs'));
  });

  it('still answers what staff type with the page and its field messages, as typed', async () => {
    const range = await staff.get(`/ville/gestion/places?activite=${activityId}&du=31/02/2026&au=2026-09-30`);
    assert.equal(range.statusCode, 400);
    assert.match(range.body, /fr-input-group--error/);
    assert.ok(range.body.includes('value="31/02/2026"'), 'the day typed is kept');
    const day = await staff.get('/ville/gestion/presences?jour=le-25');
    assert.equal(day.statusCode, 400);
    assert.doesNotMatch(day.body, /Demande incorrecte/);

    await staff.get(`/ville/gestion/activites/${activityId}/groupes/nouveau`);
    const group = await staff.post(`/ville/gestion/activites/${activityId}/groupes/nouveau`, { name: 'Grands', minAge: '12', maxAge: '6', position: '0' });
    assert.equal(group.statusCode, 400);
    assert.match(group.body, /id="error-summary"/);
    assert.match(group.body, /id="field-maxAge-error"/);
    assert.ok(group.body.includes('value="Grands"'), 'the name typed is kept');

    // Longer than any form's schema allows: next to the field too, with the rest as typed.
    const endless = 'x'.repeat(20_001);
    const tooLong = await staff.post(`/ville/gestion/activites/${activityId}/groupes/nouveau`, { name: endless, minAge: '3', position: '0' });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /id="error-summary"/);
    assert.match(tooLong.body, /id="field-name-error"/);
    assert.ok(tooLong.body.includes('value="3"'), 'the other fields keep what was typed');
    await staff.get('/ville/gestion/actualites');
    const news = await staff.post('/ville/gestion/actualites', { title: 'Fermeture', body: endless });
    assert.equal(news.statusCode, 400);
    assert.match(news.body, /id="field-body-error"/);
    const groups = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('activity_groups').select('id').execute());
    assert.equal(groups.length, 0, 'nothing saved');
  });
});
