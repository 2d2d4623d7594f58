import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { addUnit, createActivity } from '../src/modules/activities/activity-setup.js';
import { decideAbsence, pendingAbsences } from '../src/modules/bookings/absences.js';
import { requestBookings } from '../src/modules/bookings/booking-requests.js';
import type { Scope } from '../src/modules/scope.js';
import type { Tenant } from '../src/modules/tenancy/tenant-directory.js';
import { TestBrowser } from './support/http-client.js';
import { type FormFile, postMultipart } from './support/multipart.js';
import { createFamily, createStaff, PASSWORD, type TestFamily } from './support/scenario.js';
import { startTestPortal, type TestPortal } from './support/test-portal.js';

const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('certificat médical')]);

describe('absences with a certificate, and the private calendar feed', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;
  let other: TestFamily;
  let staff: Scope['actor'];

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'ana@example.test', firstName: 'Ana', lastName: 'LOPEZ', children: ['Noé'] });
    other = await createFamily(portal, tenant, { email: 'bo@example.test', lastName: 'BO' });
    staff = { kind: 'staff', accountId: (await createStaff(portal, tenant, { email: 'agent@example.test' })).accountId, role: 'manager', label: 'Agent' };
    await portal.inTenant(tenant, async (base) => {
      const scope = { ...base, actor: staff };
      const activityId = await createActivity(scope, {
        name: 'Cantine',
        kind: 'canteen',
        site_id: null,
        starts_on: '2026-09-01',
        ends_on: '2027-07-03',
        weekdays: [1, 2, 4, 5],
        requires_enrollment: false,
      });
      const unitId = await addUnit(scope, { activity_id: activityId, name: 'Repas', code: 'R' });
      const calendar = { closedReason: () => null, isSchoolHoliday: () => false, isWorkingDay: () => true };
      await requestBookings(
        scope,
        { calendar, timeZone: 'Europe/Paris', schoolYearClosed: () => false },
        {
          householdId: family.householdId,
          activityId,
          choices: ['2026-12-07', '2026-12-08', '2026-12-10'].map((day) => ({ childId: family.childIds[0]!, unitId, day })),
        },
      );
    });
  });
  after(() => portal.close());

  async function signIn(email: string) {
    const browser = new TestBrowser(portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email, password: PASSWORD });
    await browser.get('/ville/absences');
    return browser;
  }

  async function declare(browser: TestBrowser, fields: Record<string, string>, file?: FormFile) {
    return postMultipart(portal, browser, '/ville/absences', fields, file);
  }

  it('asks for a medical certificate for an illness, refuses a file that is not a PDF or an image, keeps what was typed', async () => {
    const browser = await signIn(family.email);
    const missing = await declare(browser, { enfant: family.childIds[0]!, du: '07/12/2026', au: '08/12/2026', motif: 'illness', precisions: 'Grippe' });
    assert.equal(missing.statusCode, 400);
    assert.match(missing.body, /Joignez le certificat médical/);
    assert.match(missing.body, /value="07\/12\/2026"/);
    assert.match(missing.body, /Grippe/);
    const disguised = await declare(
      browser,
      { enfant: family.childIds[0]!, du: '07/12/2026', motif: 'illness' },
      { name: 'certificat', filename: 'certificat.pdf', type: 'application/pdf', data: Buffer.from('<html><script>alert(1)</script></html>') },
    );
    assert.match(disguised.body, /ni un PDF ni une image/);
    const order = await declare(browser, { enfant: family.childIds[0]!, du: '08/12/2026', au: '07/12/2026', motif: 'family' });
    assert.match(order.body, /ne peut pas précéder le premier/);
    // A bad first day with the optional last day left empty is one mistake, said once.
    const bad = await declare(browser, { enfant: family.childIds[0]!, du: '32/12/2026', au: '', motif: 'family' });
    assert.equal(bad.statusCode, 400);
    assert.equal(bad.body.match(/class="fr-error-text"/g)?.length, 1);
    assert.match(bad.body, /id="field-du-error"/);
    assert.doesNotMatch(bad.body, /id="field-au-error"/);
  });

  it('gives back details too long for the form next to their field, with the rest of what was typed', async () => {
    const browser = await signIn(family.email);
    const long = 'x'.repeat(20_001);
    const refused = await declare(browser, { enfant: family.childIds[0]!, du: '07/12/2026', motif: 'family', precisions: long });
    assert.equal(refused.statusCode, 400);
    assert.match(refused.body, /Veuillez corriger les erreurs suivantes/);
    assert.match(refused.body, /Ce texte est trop long\./);
    assert.match(refused.body, /value="07\/12\/2026"/);
    const none = await declare(browser, { enfant: '', du: '07/12/2026', motif: 'family' });
    assert.equal(none.statusCode, 400, 'no child chosen');
    assert.match(none.body, /Ce champ est obligatoire\./);
    const declared = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('absence_declarations').select('id').where('household_id', '=', family.householdId).execute(),
    );
    assert.equal(declared.length, 0);
  });

  it('takes the declaration with its certificate; staff excuse it and the booked days are not billed', async () => {
    const browser = await signIn(family.email);
    const declared = await declare(
      browser,
      { enfant: family.childIds[0]!, du: '07/12/2026', au: '08/12/2026', motif: 'illness' },
      { name: 'certificat', filename: 'certificat.pdf', type: 'application/pdf', data: PDF },
    );
    assert.equal(declared.headers.location, '/ville/absences?declaree=1');
    const list = await browser.get('/ville/absences');
    assert.match(list.body, /Maladie/);
    assert.match(list.body, /En attente/);
    const documentPath = /href="(\/ville\/documents\/[0-9a-f-]{36})"/.exec(list.body)![1]!;
    const download = await browser.get(documentPath);
    assert.equal(download.statusCode, 200);
    assert.equal(download.headers['content-type'], 'application/pdf');
    assert.match(String(download.headers['content-disposition']), /^attachment;/);
    assert.equal((await (await signIn(other.email)).get(documentPath)).statusCode, 404, 'another household cannot read it');

    const [absence] = await portal.inTenant(tenant, (scope) => pendingAbsences({ ...scope, actor: staff }));
    assert.equal(await portal.inTenant(tenant, (scope) => decideAbsence({ ...scope, actor: staff }, absence!.id, { excuse: true })), 'done');
    const days = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['day', 'status']).where('child_id', '=', family.childIds[0]!).orderBy('day').execute(),
    );
    assert.deepEqual(
      days.map((row) => [row.day, row.status]),
      [
        ['2026-12-07', 'absent_excused'],
        ['2026-12-08', 'absent_excused'],
        ['2026-12-10', 'reserved'],
      ],
    );
    assert.match((await browser.get('/ville/absences')).body, /Excusée/);
  });

  it('says a one-day absence is on that day, not from that day to that day', async () => {
    const browser = await signIn(family.email);
    const declared = await declare(browser, { enfant: family.childIds[0]!, du: '10/12/2026', au: '10/12/2026', motif: 'family' });
    assert.equal(declared.statusCode, 302, declared.body);
    const list = (await browser.get('/ville/absences')).body;
    assert.match(list, /<td>Le 10\/12\/2026<\/td>/);
    assert.match(list, /<td>Du 07\/12\/2026 au 08\/12\/2026<\/td>/);
    assert.doesNotMatch(list, /Du 10\/12\/2026 au 10\/12\/2026/);
  });

  it('publishes the child’s bookings at a private calendar address that can be replaced', async () => {
    const browser = await signIn(family.email);
    await browser.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2026-12`);
    await browser.post('/ville/reservations/agenda', { enfant: family.childIds[0]! });
    const planning = await browser.get(`/ville/reservations/planning?enfant=${family.childIds[0]}&mois=2026-12`);
    const feedPath = /value="https?:\/\/[^/]+(\/ville\/agenda\/[A-Za-z0-9_-]{32}\.ics)"/.exec(planning.body)![1]!;
    const feed = await portal.app.inject({ url: feedPath });
    assert.equal(feed.statusCode, 200);
    assert.match(String(feed.headers['content-type']), /^text\/calendar/);
    assert.match(feed.body, /BEGIN:VCALENDAR/);
    assert.match(feed.body, /DTSTART;VALUE=DATE:20261210/);
    assert.doesNotMatch(feed.body, /DTSTART;VALUE=DATE:20261207/, 'excused days are not shown as booked');
    await browser.post('/ville/reservations/agenda', { enfant: family.childIds[0]!, renouveler: '1' });
    assert.equal((await portal.app.inject({ url: feedPath })).statusCode, 404, 'the replaced address stops working');
    assert.equal((await browser.post('/ville/reservations/agenda', { enfant: other.childIds[0]! })).statusCode, 404);
  });
  it('serves an uploaded file under the extension of what it is, whatever its name said', async () => {
    const browser = await signIn(family.email);
    const documentIds = async () =>
      new Set(
        (await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('documents').select('id').where('household_id', '=', family.householdId).execute())).map(
          (row) => row.id,
        ),
      );
    const sent = async (filename: string) => {
      const before = await documentIds();
      const declared = await declare(
        browser,
        { enfant: family.childIds[0]!, du: '10/12/2026', motif: 'illness' },
        { name: 'certificat', filename, type: 'text/html', data: Buffer.from(`${PDF.toString('latin1')}<script>alert(1)</script>`, 'latin1') },
      );
      assert.equal(declared.statusCode, 302, declared.body);
      const added = [...(await documentIds())].filter((id) => !before.has(id));
      assert.equal(added.length, 1);
      return browser.get(`/ville/documents/${added[0]}`);
    };
    const disguised = await sent('x.html');
    assert.equal(disguised.headers['content-type'], 'application/pdf');
    assert.equal(disguised.headers['content-disposition'], 'attachment; filename="x.pdf"');
    const foreign = await sent('certificat médical 診断書.html');
    assert.equal(foreign.statusCode, 200);
    assert.equal(
      foreign.headers['content-disposition'],
      `attachment; filename="certificat_m_dical____.pdf"; filename*=UTF-8''${encodeURIComponent('certificat médical 診断書.pdf')}`,
    );
  });

  /**
   * Sends the beginning of a form whose file never ends (as the audit's 300 parts of 2 MiB would go
   * on): the answer must come from what was sent so far, without waiting for the file.
   */
  function sendEndlessFile(cookie: string, fields: Record<string, string>) {
    const boundary = '----pf-endless';
    const body = new PassThrough();
    for (const [name, value] of Object.entries(fields)) body.write(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
    body.write(`--${boundary}\r\nContent-Disposition: form-data; name="certificat"; filename="a.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 `);
    return portal.app.inject({
      method: 'POST',
      url: '/ville/absences',
      payload: body,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, 'content-length': String(600 * 1024 * 1024), cookie },
    });
  }

  it('answers an upload from a stranger, or without the form’s token, without reading its file', async () => {
    const anonymous = await sendEndlessFile('', { enfant: family.childIds[0]!, motif: 'illness' });
    assert.equal(anonymous.statusCode, 403);
    const browser = await signIn(family.email);
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const forged = await sendEndlessFile(cookie, { _csrf: 'forged', enfant: family.childIds[0]!, motif: 'illness' });
    assert.equal(forged.statusCode, 403);
    assert.match(forged.body, /expiré|formulaire/i);
  });

  it('refuses a form with more than one file, or a form body over the limit, as too large, in the visitor’s language', async () => {
    const browser = await signIn(family.email);
    const boundary = '----pf-two-files';
    const file = (name: string) =>
      `--${boundary}\r\nContent-Disposition: form-data; name="${name}"; filename="c.pdf"\r\nContent-Type: application/pdf\r\n\r\n${PDF.toString('latin1')}\r\n`;
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="_csrf"\r\n\r\n${browser.csrfToken()}\r\n${file('certificat')}${file('autre')}--${boundary}--\r\n`;
    const cookie = [...browser.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
    const twoFiles = await portal.app.inject({
      method: 'POST',
      url: '/ville/absences',
      payload,
      headers: { 'content-type': `multipart/form-data; boundary=${boundary}`, cookie },
    });
    assert.equal(twoFiles.statusCode, 413);
    assert.match(twoFiles.body, /Envoi trop volumineux/);
    const huge = await browser.post('/ville/absences', { enfant: family.childIds[0]!, precisions: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(huge.statusCode, 413);
    assert.match(huge.body, /Envoi trop volumineux/);
    const english = await browser.post('/ville/absences?lang=en', { precisions: 'x'.repeat(2 * 1024 * 1024) });
    assert.equal(english.statusCode, 413);
    assert.match(english.body, /Too large/);
  });
});

describe('staff excuse absences from the validations page', () => {
  let portal: TestPortal;
  let tenant: Tenant;
  let family: TestFamily;

  before(async () => {
    portal = await startTestPortal({ now: '2026-11-23T08:00:00Z' });
    tenant = await portal.addTenant({ slug: 'ville' });
    family = await createFamily(portal, tenant, { email: 'ana@example.test', firstName: 'Ana', lastName: 'LOPEZ', children: ['Noé'] });
    await createStaff(portal, tenant, { email: 'agent@example.test', role: 'manager' });
    await portal.inTenant(tenant, async ({ tx, tenantId }) => {
      await tx
        .insertInto('absence_declarations')
        .values({
          tenant_id: tenantId,
          household_id: family.householdId,
          child_id: family.childIds[0]!,
          first_day: '2026-12-07',
          last_day: '2026-12-08',
          reason: 'family',
          comment: 'Enterrement',
          created_at: new Date(),
        })
        .execute();
    });
  });
  after(() => portal.close());

  it('lists the declared absence with its reason and excuses it, telling the family', async () => {
    const staff = new TestBrowser(portal.app);
    await staff.get('/ville/connexion');
    await staff.post('/ville/connexion', { email: 'agent@example.test', password: PASSWORD });
    const page = await staff.get('/ville/gestion/validations');
    assert.match(page.body, /<p>Les réservations [^<]*et les absences déclarées à excuser\./, 'the introduction names every kind the page lists');
    assert.match((await staff.get('/ville/gestion/validations?lang=en')).body, /<p>Bookings [^<]*and declared absences to excuse\./);
    assert.match(page.body, /Absences déclarées \(1\)/);
    assert.match(page.body, /Enterrement/);
    const absenceId = /value="accept:absence:([0-9a-f-]{36})"/.exec(page.body)![1]!;
    const done = await staff.post('/ville/gestion/validations', { act: `accept:absence:${absenceId}` });
    assert.equal(done.statusCode, 200);
    const row = await portal.inTenant(tenant, ({ tx }) =>
      tx.selectFrom('absence_declarations').select('status').where('id', '=', absenceId).executeTakeFirstOrThrow(),
    );
    assert.equal(row.status, 'accepted');
    const mails = await portal.inTenant(tenant, ({ tx }) => tx.selectFrom('outbox_emails').select('subject').where('to_address', '=', family.email).execute());
    assert.ok(mails.some((mail) => /Absence excusée/.test(mail.subject)));
  });
});
