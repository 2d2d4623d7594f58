// The family's booking calendar, enhanced: the mass selection ticks the boxes in place (the boxes
// ticked by hand stay), units the server would refuse together are caught before sending, and
// leaving with boxes ticked and not sent asks first. Without it the page works as a plain form.
import { unitsInConflict, type UnitRelations } from '../../modules/activities/unit-rules.js';
import { weekdayOf } from '../../modules/calendar/calendar-dates.js';

type NamedUnit = UnitRelations & { name: string };

/** The sentences of the day's units that do not go together, as the server would refuse them. */
function conflictsOf(form: HTMLFormElement, units: NamedUnit[]): { row: HTMLTableRowElement; boxes: HTMLInputElement[]; text: string }[] {
  const template = form.dataset.conflict ?? '';
  const found: { row: HTMLTableRowElement; boxes: HTMLInputElement[]; text: string }[] = [];
  form.querySelectorAll<HTMLTableRowElement>('tbody tr').forEach((row) => {
    const ticked = [...row.querySelectorAll<HTMLInputElement>('input[name="choix"]:checked')];
    if (ticked.length === 0) return;
    const unitOf = (box: HTMLInputElement) => box.value.split('|')[1] ?? '';
    const held = (row.dataset.held ?? '').split(' ').filter(Boolean);
    const day = new Set([...held.map((index) => units[Number(index)]?.id ?? ''), ...ticked.map(unitOf)]);
    const involved = unitsInConflict(units, day);
    const boxes = ticked.filter((box) => involved.has(unitOf(box)));
    if (boxes.length === 0) return;
    const names = units.filter((unit) => boxes.some((box) => unitOf(box) === unit.id)).map((unit) => unit.name);
    const child = row.closest('table')?.querySelector('caption')?.textContent ?? '';
    const dayLabel = row.querySelector('th')?.firstChild?.textContent ?? '';
    found.push({ row, boxes, text: template.replace('{child}', child).replace('{day}', dayLabel).replace('{units}', names.join(', ')) });
  });
  return found;
}

/** Shows the conflicts above the calendar and on their boxes; true when there is none. */
function showConflicts(form: HTMLFormElement, units: NamedUnit[]): boolean {
  const panel = form.querySelector<HTMLElement>('[data-conflicts]');
  const list = panel?.querySelector('ul');
  if (!panel || !list) return true;
  const conflicts = conflictsOf(form, units);
  for (const box of form.querySelectorAll('input[name="choix"][aria-invalid]')) box.removeAttribute('aria-invalid');
  for (const row of form.querySelectorAll('tr.pf-conflict')) row.classList.remove('pf-conflict');
  list.replaceChildren(
    ...conflicts.map((conflict) => {
      const item = document.createElement('li');
      item.textContent = conflict.text;
      return item;
    }),
  );
  for (const conflict of conflicts) {
    conflict.row.classList.add('pf-conflict');
    for (const box of conflict.boxes) box.setAttribute('aria-invalid', 'true');
  }
  panel.hidden = conflicts.length === 0;
  return conflicts.length === 0;
}

/**
 * "Appliquer" and "Réinitialiser" act on the calendar shown, keeping what was ticked by hand,
 * as long as the children, activity and period chosen above it are still the ones it shows.
 */
function massSelection(choice: HTMLFormElement, calendar: HTMLFormElement, check: () => void): void {
  let moved = false;
  for (const field of choice.querySelectorAll('input[name="enfant"], select')) {
    field.addEventListener('change', () => {
      moved = true;
    });
  }
  const boxes = () => [...calendar.querySelectorAll<HTMLInputElement>('input[name="choix"]')];
  const picked = (name: string) => [...choice.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((box) => box.value);
  choice.querySelector('button[name="appliquer"]')?.addEventListener('click', (event) => {
    if (moved) return;
    event.preventDefault();
    const weekdays = picked('jour').map(Number);
    const units = picked('prestation');
    for (const box of boxes()) {
      const [, unit = '', day = ''] = box.value.split('|');
      if (units.includes(unit) && weekdays.includes(weekdayOf(day))) box.checked = true;
    }
    check();
  });
  choice.querySelector('button[name="reinitialiser"]')?.addEventListener('click', (event) => {
    if (moved) return;
    event.preventDefault();
    for (const box of boxes()) box.checked = false;
    for (const box of choice.querySelectorAll<HTMLInputElement>('input[name="jour"], input[name="prestation"]')) box.checked = false;
    check();
  });
}

export function attachBookingCalendar(): void {
  const calendar = document.querySelector<HTMLFormElement>('form[data-booking-calendar]');
  if (!calendar) return;
  const units = JSON.parse(calendar.dataset.units ?? '[]') as NamedUnit[];
  const check = () => showConflicts(calendar, units);
  let sending = false;
  calendar.addEventListener('change', check);
  calendar.addEventListener('submit', (event) => {
    if (check()) {
      sending = true;
      return;
    }
    event.preventDefault();
    calendar.querySelector<HTMLElement>('[data-conflicts]')?.focus();
  });
  // Every box still ticked is a choice not sent yet (booked days have no box).
  window.addEventListener('beforeunload', (event) => {
    if (sending || !calendar.querySelector('input[name="choix"]:checked')) return;
    event.preventDefault();
    event.returnValue = '';
  });
  const choice = document.querySelector<HTMLFormElement>('form[data-calendar-choice]');
  if (choice) massSelection(choice, calendar, check);
  check();
}
