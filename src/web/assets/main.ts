// Progressive enhancement for every page: the pages work without it.
import { DSFR_PAGE_FILES } from '../dsfr-files.js';

/** Moves focus to the error summary of a form sent back with errors. */
function focusErrorSummary(): void {
  const summary = document.querySelector<HTMLElement>('[data-focus-on-load]');
  summary?.focus();
}

/** Forms with data-confirm ask before sending (refusals, deletions). */
function confirmForms(): void {
  document.querySelectorAll<HTMLFormElement>('form[data-confirm]').forEach((form) => {
    form.addEventListener('submit', (event) => {
      if (!window.confirm(form.dataset.confirm ?? '')) event.preventDefault();
    });
  });
}

async function loadOptionalModules(): Promise<void> {
  if (document.querySelector('[data-password-rules]')) {
    const { attachPasswordRules } = await import('./password-rules.js');
    attachPasswordRules();
  }
  if (document.querySelector('form[data-booking-calendar]')) {
    const { attachBookingCalendar } = await import('./booking-calendar.js');
    attachBookingCalendar();
  }
  if (document.querySelector('altcha-widget')) {
    const { attachAltcha } = await import('./altcha-widget.js');
    attachAltcha();
  }
}

/** Print buttons need JavaScript, so they are hidden until it runs. */
function printButtons(): void {
  document.querySelectorAll<HTMLButtonElement>('[data-print]').forEach((button) => {
    button.hidden = false;
    button.addEventListener('click', () => window.print());
  });
}

/**
 * A form the server asked to send again later (503 under a rush) is sent again by itself, when the
 * server said its turn comes (`data-retry-in-ms`: its place in line keeps it ahead of later clicks).
 */
function autoRetry(): void {
  document.querySelectorAll<HTMLFormElement>('form[data-auto-retry]').forEach((form) => {
    const told = form.querySelector<HTMLElement>('[data-retry-in-ms]')?.dataset.retryInMs;
    const ms = told ? Number(told) : Number(form.dataset.autoRetry ?? '2') * 1000;
    // A little randomness keeps the parents told the same time from arriving in the same millisecond.
    window.setTimeout(() => form.submit(), ms * (1 + Math.random() * 0.1));
  });
}

/** The form that takes the family to the payment provider leaves by itself; its button stays for those without scripts. */
function autoSubmit(): void {
  document.querySelector<HTMLFormElement>('form[data-auto-submit]')?.submit();
}

/**
 * The header's menus arrive open, their buttons claiming nothing, for browsers without scripts;
 * here they become DSFR's menu buttons, closed. DSFR follows the attributes whether it started
 * before this script or after it, so the state it keeps and the one said are the same.
 */
function menuButtons(): void {
  document.querySelectorAll<HTMLButtonElement>('.fr-nav__btn[data-menu]').forEach((button) => {
    button.setAttribute('aria-expanded', 'false');
    button.setAttribute('aria-controls', button.dataset.menu ?? '');
  });
}

/**
 * DSFR's script (27 KB compressed) is asked for once this one runs, that is once the stylesheets
 * are in: linked from the page, it shared a slow phone's connection with them and put off the
 * first paint of a first visit by about a quarter of a second. The page is whole without it.
 */
function loadDsfrScript(): void {
  void import(/* the address is DSFR's, served as it is */ DSFR_PAGE_FILES.script.href);
}

menuButtons();
loadDsfrScript();
focusErrorSummary();
printButtons();
autoRetry();
autoSubmit();
confirmForms();
void loadOptionalModules();
