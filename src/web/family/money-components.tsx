import { periodKey } from '../../i18n/catalogue.js';
import type { MessageKey, Translate } from '../../i18n/catalogue.js';
import type { InvoiceSummary } from '../../modules/billing/invoices.js';
import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import { href, usePage } from '../page-context.js';

/** What the family's money pages (invoices, statement, payments, home) show alike. */

/** "du 01/10/2026 au 31/10/2026", or a dash for a document without a period. */
export function periodOf(t: Translate, invoice: Pick<InvoiceSummary, 'periodFrom' | 'periodTo'>): string {
  return invoice.periodFrom && invoice.periodTo
    ? t(periodKey('pdf.periodValue', invoice.periodFrom, invoice.periodTo), {
        from: formatCalendarDate(invoice.periodFrom),
        to: formatCalendarDate(invoice.periodTo),
      })
    : '—';
}

/**
 * A link that downloads a PDF: "PDF" on screen, named by what it downloads (the name says "PDF"
 * too). An aria-label, not a visually hidden text: in a table that scrolls sideways, DSFR's hidden
 * text is positioned outside the scrolling frame and widens the whole page on a phone.
 */
export function PdfLink(props: { path: string; label: string }) {
  const page = usePage();
  return (
    <a class="fr-link fr-icon-download-line fr-link--icon-left" href={href(page, props.path)} aria-label={props.label}>
      {page.t('family.money.pdf')}
    </a>
  );
}

/** A money table's column headings, in order; an amount's (`{ amount: key }`) is right-aligned, as its cells. */
export function ColumnHeads(props: { columns: (MessageKey | { amount: MessageKey })[] }) {
  const { t } = usePage();
  return (
    <thead>
      <tr>
        {props.columns.map((column) =>
          typeof column === 'string' ? (
            <th scope="col" key={column}>
              {t(column)}
            </th>
          ) : (
            <th scope="col" class="fr-cell--right" key={column.amount}>
              {t(column.amount)}
            </th>
          ),
        )}
      </tr>
    </thead>
  );
}
