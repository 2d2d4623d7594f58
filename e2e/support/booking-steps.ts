import assert from 'node:assert/strict';
import type { Locator, Page } from 'playwright-core';
import { requestBookings } from '../../src/modules/bookings/booking-requests.js';
import { dayLabel } from '../../src/web/calendar-labels.js';
import type { TestPortal } from '../../test/support/test-portal.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import type { Scope } from '../../src/modules/scope.js';
import { DEMO_BASE, demoPassword, followNav, loginFields } from './account-steps.js';
import { PAGE_LOAD_MS } from './browser.js';

/**
 * Steps shared by the booking journeys (e2e/family-bookings.test.ts, e2e/staff-bookings.test.ts):
 * what a parent does on the booking calendar and the month planning, and what the tests read back.
 * Every step goes through the page by labels, roles and names, as a person would.
 */

export const CLAIRE = 'claire.martin@example.org';
export const SOPHIE = 'sophie.bernard@example.org';
export const MANAGER = 'gestion@example.org';

export const WEDNESDAYS = /^Accueil de loisirs — mercredis \d{4}-\d{4}$/;
export const HOLIDAYS = /^Accueil de loisirs — vacances \d{4}-\d{4}$/;

/** Logs a demo account in from the login page, as account-steps' logIn, with `go`'s patience. */
async function logIn(page: Page, baseUrl: string, email: string, landing: string): Promise<void> {
  await page.goto(`${baseUrl}${DEMO_BASE}/connexion`);
  const fields = loginFields(page);
  await fields.email.fill(email);
  await fields.password.fill(demoPassword(email));
  await go(fields.submit);
  await page.waitForURL(`${baseUrl}${DEMO_BASE}${landing}`);
}

/** Logs a demo family in; it lands on its home page. */
export async function familyLogIn(page: Page, baseUrl: string, email: string): Promise<void> {
  await logIn(page, baseUrl, email, '/accueil');
}

export async function staffLogIn(page: Page, baseUrl: string, email = MANAGER): Promise<void> {
  await logIn(page, baseUrl, email, '/gestion');
}

/**
 * Clicks a link or a form's button and waits for the page the server answers with (as
 * account-steps' submitWith), allowing a slow answer: the shared test machine can take more than the
 * 10 s of an action to render a page (PGlite and Chromium on two busy processors). A stuck journey
 * still ends at the harness's 60 s.
 */
export async function go(target: Locator, options: { clickTimeout?: number } = {}): Promise<void> {
  const page = target.page();
  const navigated = page.waitForEvent('framenavigated', { predicate: (frame) => frame === page.mainFrame(), timeout: PAGE_LOAD_MS });
  try {
    await target.click({ timeout: options.clickTimeout });
  } catch (error) {
    navigated.catch(() => undefined);
    throw error;
  }
  await navigated;
  await page.waitForLoadState('load', { timeout: PAGE_LOAD_MS });
}

/** DSFR draws its own box over each checkbox: the click goes to the box as it does for a person. */
export async function tick(box: Locator, checked = true): Promise<void> {
  await box.setChecked(checked, { force: true });
}

/**
 * On Réservations: ticks the children, chooses the activity, shows the calendar, then moves
 * `monthsAhead` months forward with "Mois suivant".
 */
export async function openCalendar(page: Page, options: { children: string[]; activity: RegExp; monthsAhead?: number }): Promise<void> {
  const form = page.locator('main form[method="get"]');
  for (const child of options.children) await tick(form.getByRole('checkbox', { name: child, exact: true }));
  const select = form.getByLabel(/^Activité/);
  const label = (await select.locator('option').allInnerTexts()).find((text) => options.activity.test(text.trim()));
  assert.ok(label, `no activity ${options.activity} to choose`);
  await select.selectOption({ label: label.trim() });
  await go(form.getByRole('button', { name: 'Afficher le calendrier' }));
  for (let month = 0; month < (options.monthsAhead ?? 0); month += 1) await nextMonth(page);
}

export async function nextMonth(page: Page): Promise<void> {
  await go(page.getByRole('navigation', { name: 'Mois' }).getByRole('link', { name: 'Mois suivant' }));
}

/**
 * Mass selection: these weekdays × these units, then "Appliquer": the page's script ticks the boxes
 * in place; without it the server sends the calendar back with them ticked.
 */
export async function applyMassSelection(page: Page, weekdays: string[], units: string[]): Promise<void> {
  const mass = page.getByRole('group', { name: /^Sélection en masse/ });
  for (const weekday of weekdays) await tick(mass.getByRole('checkbox', { name: weekday, exact: true }));
  for (const unit of units) await tick(mass.getByRole('checkbox', { name: unit, exact: true }));
  await page.getByRole('button', { name: 'Appliquer' }).click({ timeout: PAGE_LOAD_MS });
  await page.waitForLoadState('load', { timeout: PAGE_LOAD_MS });
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The calendar's box of one child, unit and day (a date as 2025-12-03). */
export function dayBox(page: Page, child: string, unit: string, day: string): Locator {
  return page.getByRole('checkbox', { name: new RegExp(`^${escapeRegExp(`${child} — ${unit} — ${dayLabel('fr', day)}`)}`) });
}

/** The calendar's row of a day in a child's table, as text ("mer. 24/12 … vacances scolaires …"). */
export async function calendarRow(page: Page, child: string, day: string): Promise<string> {
  const row = page
    .getByRole('table', { name: child, exact: true })
    .getByRole('row')
    // The day's header may say more after the date (its deadline, a full day).
    .filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${escapeRegExp(dayLabel('fr', day))}`) }) });
  return text(row);
}

export function squash(value: string): string {
  return value.replace(/\s+/g, ' ').trim();
}

/**
 * What an element says, on one line, as written in the page: not innerText, which DSFR's capitals
 * (badges) change; each element's words are kept apart (table cells, paragraphs, badges).
 */
export async function text(locator: Locator): Promise<string> {
  const raw = await locator.evaluate((element) => {
    const clone = element.cloneNode(true) as Element;
    for (const node of clone.querySelectorAll('*')) node.append(' ');
    return clone.textContent ?? '';
  });
  return squash(raw);
}

/** The result page's rows as "child | day | unit | answer", sorted. */
export async function resultRows(page: Page): Promise<string[]> {
  // textContent, not innerText: DSFR writes badges in capitals, the words are what they say.
  const rows = await page.locator('main table tbody tr').evaluateAll((trs) =>
    trs.map((tr) =>
      [...tr.querySelectorAll('td')]
        .map((td) => {
          const clone = td.cloneNode(true) as Element;
          for (const node of clone.querySelectorAll('*')) node.append(' ');
          return (clone.textContent ?? '').replace(/\s+/g, ' ').trim();
        })
        .join(' | '),
    ),
  );
  return rows.sort();
}

export function resultRow(child: string, day: string, unit: string, answer: string): string {
  return `${child} | ${dayLabel('fr', day)} | ${unit} | ${answer}`;
}

/** The planning's entries of a day (each "activity — unit status …"), as text. */
export async function planningRow(page: Page, day: string): Promise<string> {
  const row = page.locator('main table tbody tr').filter({ has: page.getByRole('rowheader', { name: new RegExp(`^${escapeRegExp(dayLabel('fr', day))}`) }) });
  return text(row);
}

/** The planning's "Annuler" of a unit on a day (its name says which, for a screen reader): it leads to the day's confirmation. */
export function cancelButton(page: Page, unit: string, day: string): Locator {
  return page.getByRole('link', { name: `Annuler — ${unit} ${dayLabel('fr', day)}`, exact: true });
}

/** On a day's page, after "Annuler": confirms the cancellation. */
export function confirmCancelButton(page: Page): Locator {
  return page.getByRole('button', { name: 'Confirmer l’annulation', exact: true });
}

/** From a day's page back to the month's planning. */
export function backToPlanning(page: Page): Locator {
  return page.getByRole('link', { name: 'Retour au planning du mois', exact: true });
}

/** The notice at the top of a page after an action (role=alert or status inside .fr-alert). */
export async function notice(page: Page): Promise<string> {
  return text(page.locator('main .fr-alert').first());
}

export { DEMO_BASE, followNav };

/** The places taken in the pools of a unit on a day (what the waiting list and the calendar count). */
export async function placesTaken(
  portal: TestPortal,
  demo: Tenant,
  activity: RegExp,
  unit: string,
  day: string,
): Promise<{ group: string | null; places: number; taken: number }[]> {
  return portal.inTenant(demo, async (scope) => {
    const rows = await scope.tx
      .selectFrom('capacity_pools as p')
      .innerJoin('activities as a', 'a.id', 'p.activity_id')
      .leftJoin('activity_groups as g', 'g.id', 'p.group_id')
      .leftJoin('capacity_days as d', (join) => join.onRef('d.pool_id', '=', 'p.id').on('d.day', '=', day))
      .innerJoin('units as u', 'u.activity_id', 'a.id')
      .select(['a.name', 'g.name as group', 'p.places as usual', 'd.places', 'd.taken', 'p.unit_ids', 'u.id as unit_id', 'u.name as unit'])
      .execute();
    return rows
      .filter((row) => activity.test(row.name) && row.unit === unit && row.unit_ids.includes(row.unit_id))
      .map((row) => ({ group: row.group, places: row.places ?? row.usual, taken: row.taken ?? 0 }))
      .sort((a, b) => String(a.group).localeCompare(String(b.group)));
  });
}

/** Runs work as a demo staff account (for what no page does yet). */
export async function asStaff<T>(portal: TestPortal, demo: Tenant, email: string, work: (scope: Scope) => Promise<T>): Promise<T> {
  return portal.inTenant(demo, async (scope) => {
    const account = await scope.tx.selectFrom('accounts').select(['id', 'staff_role']).where('email', '=', email).executeTakeFirstOrThrow();
    return work({ ...scope, actor: { kind: 'staff', accountId: account.id, role: account.staff_role!, label: email } });
  });
}

/**
 * A small but real one-page PDF ("Certificat médical"), with a correct cross-reference table, so
 * that any reader opens it: what a parent's scanner or phone would send.
 */
export function certificatePdf(text = 'Certificat medical : absence justifiee'): Buffer {
  const stream = `BT /F1 14 Tf 72 760 Td (${text.replace(/[()\\]/g, '')}) Tj ET`;
  const objects = [
    '<< /Type /Catalog /Pages 2 0 R >>',
    '<< /Type /Pages /Kids [3 0 R] /Count 1 >>',
    '<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>',
    `<< /Length ${stream.length} >>\nstream\n${stream}\nendstream`,
    '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>',
  ];
  let body = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((object, index) => {
    offsets.push(body.length);
    body += `${index + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((offset) => `${String(offset).padStart(10, '0')} 00000 n \n`).join('')}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/**
 * Books days for a demo family through the booking engine, as its parent would on the calendar:
 * test set-up for the staff pages, whose subject is not the family's calendar. Answers each
 * choice's outcome ("reserved", "waitlisted"…).
 */
export async function bookAsFamily(
  portal: TestPortal,
  demo: Tenant,
  email: string,
  activity: RegExp,
  choices: { child: string; unit: string; day: string }[],
): Promise<string[]> {
  return portal.inTenant(demo, async (system) => {
    const account = await system.tx.selectFrom('accounts').select(['id', 'household_id']).where('email', '=', email).executeTakeFirstOrThrow();
    const scope: Scope = { ...system, actor: { kind: 'family', accountId: account.id, householdId: account.household_id!, label: email } };
    const activityRow = (await scope.tx.selectFrom('activities').select(['id', 'name']).execute()).find((row) => activity.test(row.name));
    assert.ok(activityRow, `no activity ${activity}`);
    const units = await scope.tx.selectFrom('units').select(['id', 'name']).where('activity_id', '=', activityRow.id).execute();
    const children = await scope.tx
      .selectFrom('household_members as m')
      .innerJoin('persons as p', 'p.id', 'm.person_id')
      .select(['p.id', 'p.first_name'])
      .where('m.household_id', '=', account.household_id!)
      .where('m.role', '=', 'child')
      .execute();
    const context = { calendar: await portal.services.calendars.forTenant(scope.tx, demo), timeZone: demo.time_zone, schoolYearClosed: () => false };
    const results = await requestBookings(scope, context, {
      householdId: account.household_id!,
      activityId: activityRow.id,
      choices: choices.map((choice) => ({
        childId: children.find((child) => child.first_name === choice.child)!.id,
        unitId: units.find((unit) => unit.name === choice.unit)!.id,
        day: choice.day,
      })),
    });
    return (results ?? []).map((result) => result.outcome.kind);
  });
}
