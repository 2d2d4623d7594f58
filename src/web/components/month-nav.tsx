import type { ComponentChildren } from 'preact';
import { monthName, shiftMonth } from '../calendar-labels.js';
import { usePage } from '../page-context.js';

/**
 * "Mois précédent — décembre 2026 — Mois suivant" above a month's calendar, planning or table:
 * plain links (they work without JavaScript), each to `link` of its month; `children` go after them.
 */
export function MonthNav(props: { month: string; link: (month: string) => string; children?: ComponentChildren }) {
  const { t, lang } = usePage();
  return (
    <nav class="pf-month-nav fr-mb-2w" aria-label={t('bookings.month')}>
      <a class="fr-link fr-icon-arrow-left-line fr-link--icon-left" href={props.link(shiftMonth(props.month, -1))}>
        {t('bookings.previousMonth')}
      </a>
      <strong class="fr-mx-2w">{monthName(lang, props.month)}</strong>
      <a class="fr-link fr-icon-arrow-right-line fr-link--icon-right" href={props.link(shiftMonth(props.month, 1))}>
        {t('bookings.nextMonth')}
      </a>
      {props.children}
    </nav>
  );
}
