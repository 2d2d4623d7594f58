import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { TestBrowser } from './support/http-client.js';
import { postMultipart } from './support/multipart.js';
import { PASSWORD } from './support/scenario.js';
import { startWaitlistScenario, type WaitlistScenario } from './support/waitlist-scenario.js';

const DAY = '2026-11-25';
const PDF = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.from('certificat médical')]);

/** The month planning's days lead to a day page that books, cancels and declares absences with the engine's own rules. */
describe('the planning’s day: book, cancel, declare an absence', () => {
  let s: WaitlistScenario;
  let browser: TestBrowser;
  let childId: string;
  const dayPage = (day = DAY, extra = '') => browser.get(`/ville/reservations/planning/jour?enfant=${childId}&jour=${day}${extra}`);
  const statuses = () =>
    s.portal.inTenant(s.tenant, ({ tx }) =>
      tx.selectFrom('bookings').select(['id', 'unit_id', 'status']).where('child_id', '=', childId).where('day', '=', DAY).orderBy('created_at').execute(),
    );
  const text = (html: string) =>
    html
      .replace(/<[^>]+>/g, ' ')
      .replace(/\s+/g, ' ')
      .replace(/&#x27;|&#39;/g, '’');

  before(async () => {
    s = await startWaitlistScenario({ families: 1, places: 2 });
    childId = s.families[0]!.childIds[0]!;
    await signIn();
  });
  /** Signs in again: moving the clock days ahead ends the session. */
  async function signIn() {
    browser = new TestBrowser(s.portal.app);
    await browser.get('/ville/connexion');
    await browser.post('/ville/connexion', { email: s.families[0]!.email, password: PASSWORD });
  }
  after(() => s.portal.close());

  it('leads from each day of the month to the day’s choices, and books from there', async () => {
    const month = await browser.get(`/ville/reservations/planning?enfant=${childId}&mois=2026-11`);
    assert.match(month.body, new RegExp(`href="/ville/reservations/planning/jour\\?enfant=${childId}&amp;jour=${DAY}"`));
    const day = await dayPage();
    assert.equal(day.statusCode, 200);
    assert.match(text(day.body), /Rien n’est réservé ce jour\./);
    for (const unit of ['journee', 'matin', 'repas'] as const) assert.match(day.body, new RegExp(`value="${childId}\\|${s.units[unit]}\\|${DAY}"`));
    assert.match(text(day.body), /réservation possible jusqu’au lundi 23\/11 inclus/);
    assert.match(text(day.body), /Rien n’est réservé pour cet enfant ces jours-là/, 'no absence to declare on a day with nothing booked');

    const sent = await browser.post('/ville/reservations', {
      activite: s.activityId,
      choix: [`${childId}|${s.units.journee}|${DAY}`, `${childId}|${s.units.repas}|${DAY}`],
      retour: `enfant=${childId}&activite=${s.activityId}&mois=2026-11`,
    });
    assert.equal(sent.statusCode, 303);
    assert.deepEqual(
      (await statuses()).map((row) => row.status),
      ['reserved', 'reserved'],
    );
    const booked = text((await dayPage()).body);
    assert.match(booked, /Journée Réservée/);
    assert.match(booked, /annulable jusqu’au lundi 23\/11 à 12:00/);
    assert.match(booked, /Matin\s?: ne se cumule pas avec Journée, déjà réservé ce jour/, 'the unit barred by the day says why');
  });

  it('asks before cancelling, saying the day is not billed and what goes with it, then cancels', async () => {
    const journee = (await statuses()).find((row) => row.unit_id === s.units.journee);
    const confirm = await dayPage(DAY, `&annuler=${journee!.id}`);
    const words = text(confirm.body);
    assert.match(words, /Annuler ALSH mercredis — Journée \?/);
    assert.match(words, /cette journée ne sera pas facturée/);
    assert.match(words, /Seront annulés aussi, car ils en dépendent : Repas\./);
    assert.deepEqual(
      (await statuses()).map((row) => row.status),
      ['reserved', 'reserved'],
      'asking changes nothing',
    );
    const cancelled = await browser.post(`/ville/reservations/${journee!.id}/annuler`, { enfant: childId, jour: DAY });
    assert.equal(cancelled.statusCode, 302);
    assert.match(cancelled.headers.location as string, new RegExp(`/ville/reservations/planning/jour\\?enfant=${childId}&jour=${DAY}&resultat=cancelled`));
    assert.match(text((await browser.follow(cancelled)).body), /La réservation est annulée\. .*Repas/);
    assert.deepEqual(
      (await statuses()).map((row) => row.status),
      ['cancelled', 'cancelled'],
    );
  });

  it('says after the deadline why a day can no longer be cancelled', async () => {
    await s.book(s.families[0]!, [{ unit: 'journee', day: DAY }]);
    s.portal.clock.set('2026-11-24T08:00:00Z');
    await signIn();
    const words = text((await dayPage()).body);
    assert.match(words, /Plus annulable : l’annulation était possible jusqu’au lundi 23\/11 à 12:00 ; la journée sera facturée\./);
    assert.doesNotMatch(words, /annulable jusqu’au/);
    const stale = (await statuses()).find((row) => row.status === 'reserved')!;
    assert.match(
      text((await dayPage(DAY, `&annuler=${stale.id}`)).body),
      /Annulation impossible : le délai d’annulation est dépassé/,
      'a link followed late is answered with the reason',
    );
    const month = text((await browser.get(`/ville/reservations/planning?enfant=${childId}&mois=2026-11`)).body);
    assert.match(month, /Plus annulable/);
  });

  it('declares an absence from the day, shows it awaiting the service, and takes its certificate afterwards', async () => {
    const day = await dayPage();
    assert.match(day.body, new RegExp(`href="/ville/absences\\?enfant=${childId}&amp;du=${DAY}"`));
    const form = await browser.get(`/ville/absences?enfant=${childId}&du=${DAY}`);
    assert.match(form.body, /value="25\/11\/2026"/, 'the absence form starts from the day chosen');
    const declared = await postMultipart(s.portal, browser, '/ville/absences', { enfant: childId, du: '25/11/2026', motif: 'family' });
    assert.equal(declared.statusCode, 302);
    assert.match(text((await dayPage()).body), /Absence déclarée, en attente de la réponse du service/);
    assert.match(text((await browser.get(`/ville/reservations/planning?enfant=${childId}&mois=2026-11`)).body), /Absence déclarée, en attente/);

    const [absence] = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('absence_declarations').select(['id', 'document_id']).execute());
    assert.equal(absence!.document_id, null);
    const wrong = await postMultipart(
      s.portal,
      browser,
      `/ville/absences/${absence!.id}/certificat`,
      {},
      {
        name: 'certificat',
        filename: 'x.pdf',
        type: 'application/pdf',
        data: Buffer.from('<html></html>'),
      },
    );
    assert.equal(wrong.statusCode, 400);
    assert.match(wrong.body, /ni un PDF ni une image/);
    const added = await postMultipart(
      s.portal,
      browser,
      `/ville/absences/${absence!.id}/certificat`,
      {},
      {
        name: 'certificat',
        filename: 'certificat.pdf',
        type: 'application/pdf',
        data: PDF,
      },
    );
    assert.equal(added.headers.location, '/ville/absences?certificat=ajoute');
    assert.match(text((await browser.follow(added)).body), /Le certificat est ajouté à l’absence\./);
    const [stored] = await s.portal.inTenant(s.tenant, ({ tx }) => tx.selectFrom('absence_declarations').select('document_id').execute());
    assert.notEqual(stored!.document_id, null);
  });

  it('refuses an absence on a day with nothing booked, or too far back, with the reason next to the day', async () => {
    const nothing = await postMultipart(s.portal, browser, '/ville/absences', { enfant: childId, du: '02/12/2026', motif: 'family' });
    assert.equal(nothing.statusCode, 400);
    assert.match(nothing.body, /id="field-du-error">Rien n’est réservé pour cet enfant ces jours-là/);
    s.portal.clock.set('2026-12-10T08:00:00Z');
    await signIn();
    const late = await postMultipart(s.portal, browser, '/ville/absences', { enfant: childId, du: '25/11/2026', motif: 'family' });
    assert.equal(late.statusCode, 400);
    assert.match(late.body, /id="field-du-error">Une absence se déclare au plus tard 7 jours après/);
    assert.match(late.body, /value="25\/11\/2026"/, 'keeps what was typed');
  });
});
