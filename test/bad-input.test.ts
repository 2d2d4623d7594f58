import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { addCapacityPool, addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import { SYSTEM } from '../src/modules/actor.js';
import { openSession } from '../src/modules/identity/sessions.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { createFamily, createStaff } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

/**
 * Whatever a person or a robot sends, the portal answers in words, never with a 500: odd values in
 * every parameter of every route (page and API), as a visitor, a family and an administrator.
 */

/** Values that broke routes once: NUL bytes, months out of range, line breaks, a very long text, an accent. */
const ODD_VALUES = [
  '\u0000',
  'a\u0000b',
  '2026-13',
  '0000-00',
  '9999-12',
  '2026-02-31',
  '../../etc/passwd',
  'é',
  '\r\nX-Injected: 1',
  '/\t/evil.example',
  '<script>x</script>',
  'x'.repeat(3000),
  '-1',
  '1e309',
  '[]',
  '{}',
];

/** Query names the pages read, each tried with every odd value. */
const QUERY_NAMES = [
  'mois',
  'enfant',
  'enfants',
  'activite',
  'periode',
  'q',
  'retour',
  'jour',
  'du',
  'au',
  'type',
  'page',
  'site',
  'groupe',
  'statut',
  'annee',
  'resultat',
  'aussi',
  'lang',
  'from',
  'to',
  'children',
  'membre',
  'motdepasse',
];

interface Route {
  method: string;
  path: string;
}

/** Every route of the app, from Fastify's own tree (printRoutes). */
function routesOf(app: FastifyInstance): Route[] {
  const routes: Route[] = [];
  const stack: { depth: number; path: string }[] = [];
  for (const line of app.printRoutes({ commonPrefix: false }).split('\n')) {
    const match = /^([│ ]*)(?:[└├]── )(.*) \(([A-Z, ]+)\)$/.exec(line);
    if (!match) continue;
    const depth = match[1]!.length;
    while (stack.length > 0 && stack.at(-1)!.depth >= depth) stack.pop();
    const segment = match[2]!;
    const parent = stack.at(-1)?.path ?? '';
    const path = segment === '/' ? '/' : `${parent}${parent.endsWith('/') || segment.startsWith('/') ? '' : '/'}${segment}`.replace(/\/\/+/g, '/');
    stack.push({ depth, path });
    for (const method of match[3]!.split(', ')) if (method !== 'HEAD') routes.push({ method, path });
  }
  return routes;
}

describe('odd input on every route', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  /** Each role's cookies (session and anti-forgery) and its forms' anti-forgery token. */
  const roles: Record<string, { cookie: string; token: string }> = {};
  let childId: string;
  let activityId: string;

  /** A page read first, so that forms carry a valid anti-forgery token and reach their handlers. */
  async function withToken(cookie: string): Promise<{ cookie: string; token: string }> {
    // The login page has a form; a signed-in person's pages have the logout form.
    const page = await portal.app.inject({ url: cookie ? '/ville/mentions-legales' : '/ville/connexion', headers: cookie ? { cookie } : {} });
    const csrf = page.cookies.find((set) => set.name === 'pf_csrf')!.value;
    const token = /name="_csrf" value="([^"]+)"/.exec(page.body)![1]!;
    return { cookie: [cookie, `pf_csrf=${csrf}`].filter(Boolean).join('; '), token };
  }

  before(async () => {
    portal = await startTestPortal();
    tenant = await portal.addTenant({ slug: 'ville' });
    const family = await createFamily(portal, tenant, { email: 'famille@example.test' });
    childId = family.childIds[0]!;
    activityId = await portal.inTenant(tenant, async (base) => {
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
      await addCapacityPool(scope, {
        activity_id: id,
        group_id: null,
        unit_ids: [await addUnit(scope, { activity_id: id, name: 'Journée', code: 'J' })],
        places: 10,
      });
      return id;
    });
    const admin = await createStaff(portal, tenant, { email: 'admin@example.test', role: 'admin' });
    roles.visitor = await withToken('');
    for (const [who, accountId] of [
      ['family', family.accountId],
      ['admin', admin.accountId],
    ] as const) {
      const session = await portal.inTenant(tenant, ({ tx, tenantId, now }) => openSession(tx, tenantId, accountId, now, { ip: null, userAgent: null }));
      roles[who] = await withToken(`pf_session=${session}`);
    }
  });
  after(() => portal.close());

  it('answers every route and parameter with a status below 500', async () => {
    const routes = routesOf(portal.app);
    assert.ok(routes.length > 100, `only ${routes.length} routes found in the tree`);
    const failures: string[] = [];
    for (const who of ['visitor', 'family', 'admin'] as const) {
      const { cookie, token } = roles[who]!;
      for (const route of routes) {
        if (route.path === '/*' || route.path.startsWith('/assets')) continue;
        for (const value of ODD_VALUES) {
          const encoded = encodeURIComponent(value);
          const path = route.path.replace(/:[A-Za-z]+/g, encoded).replace('*', encoded);
          const query = QUERY_NAMES.map((name) => `${name}=${encoded}`).join('&');
          const url = `/ville${path}?${query}`;
          const isApi = path.startsWith('/api/');
          const payload =
            route.method === 'GET' || route.method === 'DELETE'
              ? undefined
              : isApi
                ? JSON.stringify({ email: value, password: value, activityId: value, choices: [{ childId: value, unitId: value, day: value }] })
                : new URLSearchParams([
                    ['_csrf', token],
                    ...QUERY_NAMES.map((name) => [name, value]),
                    ['email', value],
                    ['password', value],
                    ['choix', value],
                  ]).toString();
          const headers: Record<string, string> = {
            cookie,
            ...(payload ? { 'content-type': isApi ? 'application/json' : 'application/x-www-form-urlencoded' } : {}),
            ...(isApi ? { authorization: `Bearer ${'x'.repeat(40)}` } : {}),
          };
          const response = await portal.app.inject({ method: route.method as 'GET', url, headers, payload });
          if (response.statusCode >= 500)
            failures.push(`${who} ${route.method} ${route.path} with ${JSON.stringify(value.slice(0, 20))}: ${response.statusCode}`);
        }
      }
    }
    assert.deepEqual([...new Set(failures)].slice(0, 40), [], `${failures.length} answers were 5xx`);
  });

  it('answers months out of range on the calendar and the planning of a real child with a page, not a 500', async () => {
    for (const month of ['2026-13', '0000-00', '9999-12', '2026-00', '1999-12']) {
      for (const url of [
        `/ville/reservations?activite=${activityId}&enfant=${childId}&mois=${month}`,
        `/ville/reservations/planning?enfant=${childId}&mois=${month}`,
      ]) {
        const response = await portal.app.inject({ url, headers: { cookie: roles.family!.cookie } });
        assert.ok(response.statusCode < 500, `${url}: ${response.statusCode}`);
        assert.match(response.headers['content-type'] as string, /^text\/html/);
      }
    }
  });
});
