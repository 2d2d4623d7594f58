import type { Translate } from '../../i18n/catalogue.js';
import { recordAudit } from '../audit/audit-log.js';
import { toCsv } from '../bookings/attendance.js';
import type { Scope } from '../scope.js';
import type { HouseholdLine } from './household-register.js';

/** The lists staff take out of the portal, each download written to the audit log. */
export type ExportedList = 'households' | 'children' | 'attendance' | 'shuttle';

/**
 * Who took which list, with which filter, and how many lines: these files leave the portal with
 * families' personal data (and, for children and attendance, their health notes).
 */
export async function recordExport(scope: Scope, list: ExportedList, input: { filter: Record<string, unknown>; lines: number }): Promise<void> {
  await recordAudit(scope, { action: `export.${list}`, objectType: 'list', details: { list, filter: input.filter, lines: input.lines } });
}

/** The households as a spreadsheet, one line each, headers in the reader's language; amounts as the reader writes them. */
export function householdsCsv(t: Translate, lines: HouseholdLine[], money: (cents: number) => string): string {
  const header = [
    t('registers.csv.familyNumber'),
    t('registers.csv.household'),
    t('registers.csv.children'),
    t('registers.csv.balance'),
    t('registers.csv.pendingRequests'),
  ];
  return toCsv([header, ...lines.map((line) => [line.familyNumber, line.name, String(line.children), money(line.balanceCents), String(line.pendingRequests)])]);
}
