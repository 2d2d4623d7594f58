import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Locator, Page } from 'playwright-core';
import { browserSuite, checkAccessibility, screenshot, scrollWidth } from './support/browser.js';
import { DEMO_BASE, demoPassword, followNav, logIn, submitWith } from './support/account-steps.js';

// A family's own record and the round trip of its requests (issue 3, "How it is checked"): Claire
// changes her mobile phone (applies at once) and the household address (a request the manager
// accepts); asks for a new CAF allocataire number (refused with a reason); asks to add a child,
// first with a birth date in the future, then a valid one (accepted: the child appears everywhere);
// and downloads all her data. Every page is screenshot on a desktop and a 360 px phone and checked
// with axe.
//
// The journeys share one portal and run in order: the export of the last one holds what the first
// three changed. The clock stands on Monday 23 November 2026, 10:00 in Paris.
const { journey } = browserSuite();

const PARENT = 'claire.martin@example.org';
const MANAGER = 'gestion@example.org';
const HOUSEHOLD = 'MARTIN Claire et Julien';
const OLD_ADDRESS = '8 rue des Tilleuls';
const NEW_ADDRESS = '3 place du Marché';
const NEW_MOBILE = '07 45 67 89 01';
const ALLOCATAIRE = '2468135';
const REFUSAL = 'Le numéro d’allocataire doit être justifié par une attestation CAF de moins de 3 mois.';
const NEW_CHILD = 'Jade MARTIN';

/** The text of a locator, spaces made plain (the catalogue's colon is " : " with a no-break space). */
async function text(locator: Locator): Promise<string> {
  return (await locator.innerText()).replace(/\s+/g, ' ').trim();
}

/** What a screen reader says of a locator: its text, whatever the CSS (the DSFR badges are shown in capitals). */
async function said(locator: Locator): Promise<string> {
  return ((await locator.textContent()) ?? '').replace(/\s+/g, ' ').trim();
}

/** One section of the record as shown on Mon compte or Mes enfants, by its region name. */
function section(page: Page, name: string): Locator {
  return page.locator('main').getByRole('region', { name, exact: true });
}

/** The value shown for one field of a section (its <dd>: the value and any pending request). */
function fieldValue(region: Locator, label: string): Locator {
  return region
    .locator('.pf-record__row')
    .filter({ has: region.page().locator('dt').getByText(label, { exact: true }) })
    .locator('dd');
}

/** The element the address's fragment points to (where the browser scrolls after a save), by its text. */
async function landedOn(page: Page): Promise<string | null> {
  return page.evaluate(() => {
    const target = location.hash ? document.getElementById(decodeURIComponent(location.hash.slice(1))) : null;
    return target ? (target.textContent ?? '').replace(/\s+/g, ' ').trim() : null;
  });
}

/** The household summary shown at the top of every family page. */
function householdSummary(page: Page): Locator {
  return page.getByRole('complementary', { name: 'Votre foyer' });
}

/** Screenshot and axe for one page, named `family-record-<name>-<viewport>`. */
async function record(page: Page, name: string, viewport: 'desktop' | 'phone'): Promise<void> {
  if (viewport === 'phone') assert.ok((await scrollWidth(page)) <= 360, `${name} fits a phone screen`);
  await screenshot(page, `family-record-${name}-${viewport}`);
  await checkAccessibility(page, `${name}, ${viewport}`);
}

/** A row of the staff inbox: the household's pending request whose change mentions `change`. */
function inboxRow(staff: Page, change: RegExp): Locator {
  return staff.locator('main tbody tr').filter({ hasText: HOUSEHOLD }).filter({ hasText: change });
}

/** The cells of a row of Mes demandes, as a screen reader reads them (Type, Concerne, Demande, Faite le, État, Réponse). */
function cells(row: Locator): Promise<string[]> {
  return row.locator('td').evaluateAll((tds) => tds.map((td) => (td.textContent ?? '').replace(/\s+/g, ' ').trim()));
}

/** The state of a request in Mes demandes (its badge: En attente, Acceptée, Refusée). */
async function state(row: Locator): Promise<string> {
  return (await cells(row))[4] ?? '';
}

/** A row of Mes demandes whose change mentions `change`. */
function requestRow(page: Page, change: RegExp): Locator {
  return page.locator('main tbody tr').filter({ hasText: change });
}

journey('a parent changes her mobile phone on her phone: it applies at once', async ({ baseUrl, open }) => {
  // On her phone, through the menu: the mobile phone is one of the fields she changes herself.
  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  await followNav(phone, 'Mon compte');
  await phone.waitForURL(`${baseUrl}${DEMO_BASE}/mon-compte`);
  const claireContact = section(phone, 'Coordonnées — Claire MARTIN');
  assert.match(await text(fieldValue(claireContact, 'Téléphone portable')), /^06 12 34 56 78$/);
  await record(phone, 'account', 'phone');

  await submitWith(claireContact.getByRole('link', { name: 'Modifier — Coordonnées, Claire MARTIN' }), 'tap');
  assert.equal(await text(phone.locator('main h1')), 'Coordonnées — Claire MARTIN');
  const mobile = phone.locator('main form').getByLabel(/^Téléphone portable/);
  assert.match(await text(phone.locator('main form label', { has: phone.locator('[id="field-adult.mobile_phone-hint"]') })), /modifiable directement/);
  await mobile.fill('0745678901');
  await record(phone, 'contact-edit', 'phone');
  await submitWith(phone.getByRole('button', { name: 'Enregistrer' }), 'tap');
  assert.match(phone.url(), /\/mon-compte\?enregistre=direct#section-contact-moncomptepersonnes[0-9a-f]{32}contact$/);
  assert.equal(await text(phone.locator('main .fr-alert--success')), 'Vos modifications sont enregistrées.');
  assert.equal(await landedOn(phone), 'Coordonnées', 'back on Mon compte, at the section just saved');
  // Stored and shown in the record's own spelling, with no request waiting.
  const mobileShown = fieldValue(section(phone, 'Coordonnées — Claire MARTIN'), 'Téléphone portable');
  assert.equal(await text(mobileShown), NEW_MOBILE);
  await record(phone, 'account-saved', 'phone');
});

journey('a parent asks for a new household address, which the manager accepts', async ({ baseUrl, open }) => {
  // On her computer: the household address is changed by request.
  const parent = await open();
  await logIn(parent, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  await followNav(parent, 'Mon compte');
  assert.equal(await text(fieldValue(section(parent, 'Coordonnées — Claire MARTIN'), 'Téléphone portable')), NEW_MOBILE);
  const address = section(parent, 'Adresse du foyer');
  await submitWith(address.getByRole('link', { name: 'Modifier — Adresse du foyer' }));
  const addressForm = parent.locator('main form');
  assert.match(await text(addressForm.locator('label[for="field-household.address_line1"]')), /modification soumise à l’accord du service/);
  await addressForm.getByLabel(/^Adresse \*/).fill(NEW_ADDRESS);
  await record(parent, 'address-edit', 'desktop');
  await submitWith(parent.getByRole('button', { name: 'Enregistrer' }));
  assert.match(parent.url(), /\/mon-compte\?enregistre=request#section-address-moncomptefoyeraddress$/);
  assert.match(await text(parent.locator('main .fr-alert--success')), /Votre demande de modification est transmise au service/);
  assert.equal(await landedOn(parent), 'Adresse du foyer');
  // The record still holds the old address, with the request waiting next to it.
  const addressShown = fieldValue(section(parent, 'Adresse du foyer'), 'Adresse');
  assert.match(await said(addressShown), new RegExp(`^${OLD_ADDRESS}\\s*Demande en attente : ${NEW_ADDRESS}$`));
  assert.equal(await said(addressShown.locator('.fr-badge')), `Demande en attente : ${NEW_ADDRESS}`);
  await record(parent, 'account-pending', 'desktop');

  // The manager accepts it from the inbox: old → new.
  const staff = await open();
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await followNav(staff, 'Demandes des familles');
  const row = inboxRow(staff, new RegExp(`${OLD_ADDRESS}\\s*→\\s*${NEW_ADDRESS}`));
  assert.equal(await row.count(), 1);
  // Only the address went to the service: the mobile phone applied at once, no request for it.
  assert.equal(await inboxRow(staff, /Téléphone portable/).count(), 0);
  await record(staff, 'inbox-address', 'desktop');
  await submitWith(row.getByRole('button', { name: 'Accepter' }));
  assert.match(await text(staff.locator('main .fr-alert--success')), new RegExp(`${HOUSEHOLD} — Modification de la fiche : acceptée`));
  assert.equal(await inboxRow(staff, new RegExp(NEW_ADDRESS)).count(), 0);
  await record(staff, 'inbox-accepted', 'desktop');

  // Claire sees the new address, no longer pending, and the answer in Mes demandes.
  await followNav(parent, 'Mon compte');
  const accepted = fieldValue(section(parent, 'Adresse du foyer'), 'Adresse');
  assert.equal(await text(accepted), NEW_ADDRESS);
  assert.equal(await accepted.locator('.fr-badge').count(), 0);
  await record(parent, 'account-accepted', 'desktop');
  await followNav(parent, 'Mes demandes');
  const answered = requestRow(parent, new RegExp(`Adresse\\s*:\\s*${NEW_ADDRESS}`));
  assert.equal(await answered.count(), 1);
  const [kind, about, change, madeOn, status, answer] = await cells(answered);
  assert.deepEqual([kind, about, change, status], ['Modification de la fiche', 'Le foyer', `Adresse : ${NEW_ADDRESS}`, 'Acceptée']);
  assert.match(madeOn!, /^23\/11\/2026 \d\d:\d\d$/);
  assert.match(answer!, /^le 23\/11\/2026 \d\d:\d\d$/);
  assert.equal(await answered.getByRole('button', { name: 'Retirer la demande' }).count(), 0);
  await record(parent, 'requests-accepted', 'desktop');

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  await followNav(phone, 'Mon compte');
  assert.equal(await text(fieldValue(section(phone, 'Adresse du foyer'), 'Adresse')), NEW_ADDRESS);
  await followNav(phone, 'Mes demandes');
  assert.equal(await state(requestRow(phone, new RegExp(NEW_ADDRESS))), 'Acceptée');
  await record(phone, 'requests-accepted', 'phone');
});

journey('a parent asks for a new CAF allocataire number; the manager refuses it with a reason', async ({ baseUrl, open }) => {
  const parent = await open();
  await logIn(parent, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  await followNav(parent, 'Mon compte');
  await submitWith(section(parent, 'Allocations familiales (CAF / MSA)').getByRole('link', { name: 'Modifier — Allocations familiales (CAF / MSA)' }));
  await parent
    .locator('main form')
    .getByLabel(/^Numéro d’allocataire/)
    .fill(ALLOCATAIRE);
  await record(parent, 'caf-edit', 'desktop');
  await submitWith(parent.getByRole('button', { name: 'Enregistrer' }));
  assert.match(parent.url(), /\?enregistre=request#section-caf-moncomptefoyercaf$/);
  assert.equal(await landedOn(parent), 'Allocations familiales (CAF / MSA)');
  const number = fieldValue(section(parent, 'Allocations familiales (CAF / MSA)'), 'Numéro d’allocataire');
  assert.equal(await said(number.locator('.fr-badge')), `Demande en attente : ${ALLOCATAIRE}`);
  await record(parent, 'account-caf-pending', 'desktop');

  // The manager, on a phone, refuses: a reason is asked for, and sent to the family.
  const staff = await open({ viewport: 'phone' });
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await followNav(staff, 'Demandes des familles');
  const row = inboxRow(staff, new RegExp(`Numéro d’allocataire\\s*:.*→\\s*${ALLOCATAIRE}`));
  assert.equal(await row.count(), 1);
  await row.locator('summary').filter({ hasText: 'Refuser…' }).tap();
  await row.getByLabel(/^Raison du refus/).fill(REFUSAL);
  await record(staff, 'inbox-refusing', 'phone');
  await submitWith(row.getByRole('button', { name: 'Refuser', exact: true }), 'tap');
  assert.match(await text(staff.locator('main .fr-alert--success')), new RegExp(`${HOUSEHOLD} — Modification de la fiche : refusée`));
  await record(staff, 'inbox-refused', 'phone');

  // Claire: the number is unchanged, the request refused with the reason and the date of the answer.
  await followNav(parent, 'Mon compte');
  const unchanged = fieldValue(section(parent, 'Allocations familiales (CAF / MSA)'), 'Numéro d’allocataire');
  assert.doesNotMatch(await text(unchanged), new RegExp(ALLOCATAIRE));
  await followNav(parent, 'Mes demandes');
  const refused = requestRow(parent, new RegExp(`Numéro d’allocataire\\s*:\\s*${ALLOCATAIRE}`));
  assert.equal(await refused.count(), 1);
  assert.equal(await state(refused), 'Refusée');
  assert.match((await cells(refused))[5]!, new RegExp(`^${REFUSAL}\\s*le 23/11/2026 \\d\\d:\\d\\d$`));
  // On a computer the reason wraps inside its cell: the table fits, nothing to scroll sideways to read it.
  assert.ok(await parent.locator('main .fr-table__container').evaluate((box) => box.scrollWidth <= box.clientWidth), 'Mes demandes fits the desktop width');
  await record(parent, 'requests-refused', 'desktop');

  // The filter by type: record changes hold both answers; "Ajout d’un membre" has none yet.
  const filter = parent.locator('main form[method="get"]');
  await filter.getByLabel('Type de demande').selectOption({ label: 'Modification de la fiche' });
  await submitWith(filter.getByRole('button', { name: 'Filtrer' }));
  assert.match(parent.url(), /\/mes-demandes\?type=record$/);
  const rows = parent.locator('main tbody tr');
  assert.equal(await rows.count(), 2);
  for (const line of await rows.all()) assert.match(await text(line), /^Modification de la fiche /);
  assert.equal(await state(requestRow(parent, new RegExp(NEW_ADDRESS))), 'Acceptée');
  assert.equal(await state(requestRow(parent, new RegExp(ALLOCATAIRE))), 'Refusée');
  assert.equal(await filter.getByLabel('Type de demande').inputValue(), 'record');
  await record(parent, 'requests-filter-record', 'desktop');
  await filter.getByLabel('Type de demande').selectOption({ label: 'Ajout d’un membre' });
  await submitWith(filter.getByRole('button', { name: 'Filtrer' }));
  assert.equal(await rows.count(), 0);
  assert.match(await text(parent.locator('main')), /Aucune demande\./);

  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  await phone.goto(`${baseUrl}${DEMO_BASE}/mes-demandes?type=record`);
  const refusedOnPhone = requestRow(phone, new RegExp(ALLOCATAIRE));
  assert.equal(await state(refusedOnPhone), 'Refusée');
  assert.match((await cells(refusedOnPhone))[5]!, new RegExp(`^${REFUSAL}`));
  await record(phone, 'requests-refused', 'phone');
});

journey('a parent asks to add a child, corrects a birth date in the future, and the accepted child appears everywhere', async ({ baseUrl, open }) => {
  const parent = await open();
  await logIn(parent, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  assert.doesNotMatch(await text(householdSummary(parent)), /Jade/);
  await followNav(parent, 'Mes enfants');
  assert.equal(await parent.locator('main article h2').count(), 2);
  await submitWith(parent.getByRole('link', { name: 'Ajouter un enfant' }));
  assert.match(parent.url(), /\/mes-enfants\/nouveau$/);
  const form = parent.locator('main form');
  const identity = form.getByRole('group', { name: 'Identité' });
  await identity.getByLabel(/^Prénom/).fill('Jade');
  await identity.getByLabel(/^Nom \*/).fill('MARTIN');
  await identity.getByLabel(/^Date de naissance/).fill('15/03/2027');
  await identity.getByLabel('Sexe').selectOption('f');
  await form
    .getByRole('group', { name: 'Santé' })
    .getByLabel(/^Allergies/)
    .fill('Arachide');
  await record(parent, 'new-child-form', 'desktop');
  await submitWith(form.getByRole('button', { name: 'Envoyer ma demande' }));

  // Sent back: the error next to the field, in the summary, and everything typed still there.
  assert.match(parent.url(), /\/mes-enfants\/nouveau$/);
  const birth = identity.getByLabel(/^Date de naissance/);
  assert.equal(await birth.getAttribute('aria-invalid'), 'true');
  // The message sits under the field, in its group, and is read with it (aria-describedby).
  const birthError = parent.locator('[id="field-child.birth_date-error"]');
  assert.equal(await text(birthError), 'Cette date ne peut pas être dans le futur.');
  assert.match((await birth.getAttribute('aria-describedby')) ?? '', /(^| )field-child\.birth_date-error( |$)/);
  assert.equal(await birthError.evaluate((error) => error.parentElement?.querySelector('input')?.id), 'field-child.birth_date');
  assert.match(await text(parent.locator('#error-summary')), /Date de naissance : Cette date ne peut pas être dans le futur\./);
  assert.equal(await parent.locator('main .fr-error-text').count(), 1, 'only the birth date is in error');
  assert.equal(await identity.getByLabel(/^Prénom/).inputValue(), 'Jade');
  assert.equal(await identity.getByLabel(/^Nom \*/).inputValue(), 'MARTIN');
  assert.equal(await birth.inputValue(), '15/03/2027');
  assert.equal(await identity.getByLabel('Sexe').inputValue(), 'f');
  assert.equal(
    await form
      .getByRole('group', { name: 'Santé' })
      .getByLabel(/^Allergies/)
      .inputValue(),
    'Arachide',
  );
  await record(parent, 'new-child-error', 'desktop');

  await birth.fill('14/05/2024');
  await submitWith(form.getByRole('button', { name: 'Envoyer ma demande' }));
  assert.match(parent.url(), /\/mes-demandes\?envoyee=1$/);
  assert.equal(await text(parent.locator('main .fr-alert--success')), 'Votre demande d’ajout est transmise au service.');
  const asked = requestRow(parent, /Nouveau membre : Jade MARTIN/);
  assert.equal((await cells(asked))[0], 'Ajout d’un membre');
  assert.equal(await state(asked), 'En attente');
  assert.equal(await asked.getByRole('button', { name: 'Retirer la demande' }).count(), 1);
  // Until the service accepts, the child is nowhere in the household.
  assert.doesNotMatch(await text(householdSummary(parent)), /Jade/);
  await record(parent, 'requests-child-pending', 'desktop');

  // The same mistake on a phone gets the same answer (nothing is sent).
  const phone = await open({ viewport: 'phone' });
  await logIn(phone, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
  await followNav(phone, 'Mes enfants');
  await submitWith(phone.getByRole('link', { name: 'Ajouter un enfant' }), 'tap');
  const phoneIdentity = phone.locator('main form').getByRole('group', { name: 'Identité' });
  await phoneIdentity.getByLabel(/^Prénom/).fill('Jade');
  await phoneIdentity.getByLabel(/^Nom \*/).fill('MARTIN');
  await phoneIdentity.getByLabel(/^Date de naissance/).fill('01/01/2030');
  await submitWith(phone.getByRole('button', { name: 'Envoyer ma demande' }), 'tap');
  assert.equal(await text(phone.locator('main .fr-input-group--error .fr-error-text')), 'Cette date ne peut pas être dans le futur.');
  assert.equal(await phoneIdentity.getByLabel(/^Prénom/).inputValue(), 'Jade');
  await record(phone, 'new-child-error', 'phone');

  // The manager filters the inbox on additions and accepts.
  const staff = await open();
  await logIn(staff, baseUrl, MANAGER, demoPassword(MANAGER), '/gestion');
  await followNav(staff, 'Demandes des familles');
  await staff.locator('main form[method="get"]').getByLabel('Type de demande').selectOption({ label: 'Ajout d’un membre' });
  await submitWith(staff.getByRole('button', { name: 'Filtrer' }));
  const rows = staff.locator('main tbody tr');
  assert.equal(await rows.count(), 1, 'only the one addition waits (one request, not two)');
  const row = inboxRow(staff, /Nouvel enfant|enfant/i);
  // What was asked, in the form's order (the request is stored as JSONB, which keeps its own order).
  assert.deepEqual(
    await row
      .locator('td')
      .nth(4)
      .locator('li')
      .evaluateAll((items) => items.map((item) => (item.textContent ?? '').replace(/\s+/g, ' ').trim())),
    ['Prénom : Jade', 'Nom : MARTIN', 'Date de naissance : 14/05/2024', 'Sexe : Fille', 'Allergies : Arachide'],
  );
  await record(staff, 'inbox-child', 'desktop');
  await submitWith(row.getByRole('button', { name: 'Accepter' }));
  assert.match(await text(staff.locator('main .fr-alert--success')), new RegExp(`${HOUSEHOLD} — Ajout d’un membre.*: acceptée`));

  // Claire: the child in Mes enfants, with her age and what was asked, and in the summary of every page.
  await followNav(parent, 'Mes enfants');
  // The child's article is named by its heading, with her age: born 14/05/2024, 2 years old on 23/11/2026.
  assert.equal(await parent.locator('main').getByRole('article', { name: 'Jade MARTIN 2 ans', exact: true }).count(), 1);
  assert.equal(await parent.locator('main article h2').count(), 3);
  assert.equal(await text(fieldValue(section(parent, 'Identité — Jade MARTIN'), 'Date de naissance')), '14/05/2024');
  assert.equal(await text(fieldValue(section(parent, 'Santé — Jade MARTIN'), 'Allergies')), 'Arachide');
  await record(parent, 'children-with-new-child', 'desktop');
  for (const [nav, path] of [
    ['Accueil', '/accueil'],
    ['Mon compte', '/mon-compte'],
    ['Mes enfants', '/mes-enfants'],
    ['Mes demandes', '/mes-demandes'],
  ] as const) {
    await followNav(parent, nav);
    await parent.waitForURL(`${baseUrl}${DEMO_BASE}${path}`);
    assert.match(await text(householdSummary(parent)), new RegExp(`Enfants : .*${NEW_CHILD}`), `the summary of ${path} names the new child`);
  }
  assert.equal(await state(requestRow(parent, /Nouveau membre : Jade MARTIN/)), 'Acceptée');
  await record(parent, 'requests-child-accepted', 'desktop');

  await followNav(phone, 'Mes enfants');
  assert.match(await text(householdSummary(phone)), new RegExp(NEW_CHILD));
  assert.equal(
    await phone
      .locator('main article')
      .filter({ has: phone.getByRole('heading', { name: /^Jade MARTIN/ }) })
      .count(),
    1,
  );
  await record(phone, 'children-with-new-child', 'phone');
});

journey('a parent downloads all her data: household, the new child, her requests, no password hash', async ({ baseUrl, open }) => {
  for (const viewport of ['desktop', 'phone'] as const) {
    const parent = await open({ viewport });
    await logIn(parent, baseUrl, PARENT, demoPassword(PARENT), '/accueil');
    await followNav(parent, 'Mon compte');
    const link = parent.getByRole('link', { name: 'Télécharger toutes mes données' });
    await link.scrollIntoViewIfNeeded();
    await record(parent, 'account-export', viewport);
    const familyNumber = /N° famille : (\S+)/.exec(await text(parent.locator('main')))?.[1];
    assert.ok(familyNumber, 'Mon compte shows the family number');

    const downloading = parent.waitForEvent('download');
    await (viewport === 'phone' ? link.tap() : link.click());
    const download = await downloading;
    assert.equal(download.suggestedFilename(), `mes-donnees-${familyNumber}.json`);
    assert.equal(await download.failure(), null);
    const path = await download.path();
    assert.ok(path, 'the download was saved');
    const raw = readFileSync(path, 'utf8');
    const data = JSON.parse(raw) as {
      household: Record<string, unknown>;
      members: Record<string, unknown>[];
      accounts: Record<string, unknown>[];
      requests: { kind: string; status: string; reason: string | null; payload: unknown }[];
    };

    // The household as the record now holds it.
    assert.equal(data.household.family_number, familyNumber);
    assert.equal(data.household.name, HOUSEHOLD);
    assert.equal(data.household.address_line1, NEW_ADDRESS);
    const claire = data.members.find((member) => member.first_name === 'Claire');
    assert.equal(claire?.mobile_phone, NEW_MOBILE);
    assert.equal(claire?.role, 'guardian');
    const jade = data.members.find((member) => member.first_name === 'Jade');
    assert.ok(jade, 'the export holds the new child');
    assert.equal(jade.role, 'child');
    assert.equal(jade.birth_date, '2024-05-14');
    assert.deepEqual(
      data.members
        .filter((member) => member.role === 'child')
        .map((member) => member.first_name)
        .sort(),
      ['Hugo', 'Jade', 'Léa'],
    );

    // Her requests, with their answers.
    const byStatus = data.requests.map((request) => `${request.kind}:${request.status}`).sort();
    assert.deepEqual(byStatus, ['add_member:accepted', 'record:accepted', 'record:refused']);
    assert.equal(data.requests.find((request) => request.status === 'refused')?.reason, REFUSAL);
    assert.match(JSON.stringify(data.requests), new RegExp(NEW_ADDRESS));
    assert.match(JSON.stringify(data.requests), new RegExp(ALLOCATAIRE));

    // Her account, without anything that lets one log in as her.
    assert.deepEqual(
      data.accounts.map((account) => account.email),
      [PARENT],
    );
    assert.doesNotMatch(raw, /password_hash|totp|secret/i);
    assert.doesNotMatch(raw, /\$argon2|\$2[aby]\$|\$scrypt/);
  }
});
