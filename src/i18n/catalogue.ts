import { activitySetup as enActivitySetup } from './en/activity-setup.js';
import { api as enApi } from './en/api.js';
import { bookingOperations as enBookingOperations } from './en/booking-operations.js';
import { billing as enBilling } from './en/billing.js';
import { bookings as enBookings } from './en/bookings.js';
import { calendar as enCalendar } from './en/calendar.js';
import { common as enCommon } from './en/common.js';
import { family as enFamily } from './en/family.js';
import { familyBilling as enFamilyBilling } from './en/family-billing.js';
import { households as enHouseholds } from './en/households.js';
import { identity as enIdentity } from './en/identity.js';
import { lottery as enLottery } from './en/lottery.js';
import { notifications as enNotifications } from './en/notifications.js';
import { security as enSecurity } from './en/security.js';
import { staff as enStaff } from './en/staff.js';
import { staffHouseholds as enStaffHouseholds } from './en/staff-households.js';
import { staffBilling as enStaffBilling } from './en/staff-billing.js';
import { onlinePayment as enOnlinePayment } from './en/online-payment.js';
import { staffOnlinePayment as enStaffOnlinePayment } from './en/staff-online-payment.js';
import { messages as enMessages } from './en/messages.js';
import { activitySetup as frActivitySetup } from './fr/activity-setup.js';
import { api as frApi } from './fr/api.js';
import { bookingOperations as frBookingOperations } from './fr/booking-operations.js';
import { billing as frBilling } from './fr/billing.js';
import { bookings as frBookings } from './fr/bookings.js';
import { calendar as frCalendar } from './fr/calendar.js';
import { common as frCommon } from './fr/common.js';
import { family as frFamily } from './fr/family.js';
import { familyBilling as frFamilyBilling } from './fr/family-billing.js';
import { households as frHouseholds } from './fr/households.js';
import { identity as frIdentity } from './fr/identity.js';
import { lottery as frLottery } from './fr/lottery.js';
import { notifications as frNotifications } from './fr/notifications.js';
import { security as frSecurity } from './fr/security.js';
import { staff as frStaff } from './fr/staff.js';
import { staffHouseholds as frStaffHouseholds } from './fr/staff-households.js';
import { staffBilling as frStaffBilling } from './fr/staff-billing.js';
import { onlinePayment as frOnlinePayment } from './fr/online-payment.js';
import { staffOnlinePayment as frStaffOnlinePayment } from './fr/staff-online-payment.js';
import { prepayment as enPrepayment } from './en/prepayment.js';
import { prepayment as frPrepayment } from './fr/prepayment.js';
import { messages as frMessages } from './fr/messages.js';
import { retention as enRetention } from './en/retention.js';
import { retention as frRetention } from './fr/retention.js';
import { journal as enJournal } from './en/journal.js';
import { journal as frJournal } from './fr/journal.js';
import { counter as enCounter } from './en/counter.js';
import { counter as frCounter } from './fr/counter.js';
import { documents as enDocuments } from './en/documents.js';
import { documents as frDocuments } from './fr/documents.js';
import { registers as enRegisters } from './en/registers.js';
import { registers as frRegisters } from './fr/registers.js';
import { authority as enAuthority } from './en/authority.js';
import { authority as frAuthority } from './fr/authority.js';
import { inscriptions as enInscriptions } from './en/inscriptions.js';
import { inscriptions as frInscriptions } from './fr/inscriptions.js';
import { dateFormat } from './date-formats.js';

export const LANGS = ['fr', 'en'] as const;
export type Lang = (typeof LANGS)[number];

/** French is the reference: every other language must have exactly its keys (checked by the compiler). */
const fr = {
  ...frCommon,
  ...frBookings,
  ...frBookingOperations,
  ...frSecurity,
  ...frIdentity,
  ...frStaff,
  ...frStaffHouseholds,
  ...frFamily,
  ...frHouseholds,
  ...frNotifications,
  ...frCalendar,
  ...frActivitySetup,
  ...frApi,
  ...frLottery,
  ...frBilling,
  ...frFamilyBilling,
  ...frStaffBilling,
  ...frOnlinePayment,
  ...frStaffOnlinePayment,
  ...frPrepayment,
  ...frMessages,
  ...frRetention,
  ...frJournal,
  ...frDocuments,
  ...frRegisters,
  ...frAuthority,
  ...frCounter,
  ...frInscriptions,
};
const en: Record<keyof typeof fr, string> = {
  ...enCommon,
  ...enBookings,
  ...enBookingOperations,
  ...enSecurity,
  ...enIdentity,
  ...enStaff,
  ...enStaffHouseholds,
  ...enFamily,
  ...enHouseholds,
  ...enNotifications,
  ...enCalendar,
  ...enActivitySetup,
  ...enApi,
  ...enLottery,
  ...enBilling,
  ...enFamilyBilling,
  ...enStaffBilling,
  ...enOnlinePayment,
  ...enStaffOnlinePayment,
  ...enPrepayment,
  ...enMessages,
  ...enRetention,
  ...enJournal,
  ...enDocuments,
  ...enRegisters,
  ...enAuthority,
  ...enCounter,
  ...enInscriptions,
};

export type MessageKey = keyof typeof fr;
export type Params = Record<string, string | number>;
export type Translate = (key: MessageKey, params?: Params) => string;

const catalogues: Record<Lang, Record<MessageKey, string>> = { fr, en };

export function isLang(value: unknown): value is Lang {
  return typeof value === 'string' && (LANGS as readonly string[]).includes(value);
}

export function isMessageKey(value: string): value is MessageKey {
  return Object.hasOwn(fr, value);
}

/**
 * The key for a count: `<base>.one` for 1, `<base>.many` otherwise, or `<base>.zero` for none when
 * the catalogue has one ("Aucune demande", "1 demande", "2 demandes").
 */
export function countKey(base: CountBase, count: number): MessageKey {
  const key = count === 0 && isMessageKey(`${base}.zero`) ? `${base}.zero` : count === 1 ? `${base}.one` : `${base}.many`;
  return key as MessageKey;
}

/**
 * The bases that have counted forms, worked out once over the catalogue: a generic return type
 * inferred back from `MessageKey` at every call made `tsc` run for minutes.
 */
type CountBase = MessageKey extends infer Key ? (Key extends `${infer Base}.many` ? Base : never) : never;

/**
 * The key for a period of days: `<base>.day` when it is a single day ("le 07/12/2026", "Le 07/12/2026"),
 * `<base>.range` otherwise ("du 07/12/2026 au 11/12/2026"). Both take `{from}` and `{to}`; the single
 * day's message says `{from}`. `from` and `to` are compared as given: dates 'YYYY-MM-DD' or their words.
 */
export function periodKey(base: PeriodBase, from: string, to: string): MessageKey {
  return `${base}.${from === to ? 'day' : 'range'}` as MessageKey;
}

/** The bases that have a single-day and a range form, worked out once over the catalogue (see `CountBase`). */
type PeriodBase = MessageKey extends infer Key ? (Key extends `${infer Base}.range` ? Base : never) : never;

export function translator(lang: Lang): Translate {
  const catalogue = catalogues[lang];
  return (key, params) => interpolate(catalogue[key], params);
}

function interpolate(template: string, params: Params | undefined): string {
  if (!params) return template;
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

const formattersCache = new Map<string, ReturnType<typeof buildFormatters>>();

/** Locale-aware formats, in the tenant's time zone (built once per language and zone: Intl objects are costly). */
export function formatters(lang: Lang, timeZone: string) {
  const key = `${lang}|${timeZone}`;
  let cached = formattersCache.get(key);
  if (!cached) {
    cached = buildFormatters(lang, timeZone);
    formattersCache.set(key, cached);
  }
  return cached;
}

function buildFormatters(lang: Lang, timeZone: string) {
  const locale = lang === 'fr' ? 'fr-FR' : 'en-GB';
  const longDate = dateFormat(locale, { timeZone, weekday: 'long', day: 'numeric', month: 'long', year: 'numeric' });
  const shortDate = dateFormat(locale, { timeZone, day: '2-digit', month: '2-digit', year: 'numeric' });
  const dateTime = dateFormat(locale, { timeZone, day: '2-digit', month: '2-digit', year: 'numeric', hour: '2-digit', minute: '2-digit' });
  const money = new Intl.NumberFormat(locale, { style: 'currency', currency: 'EUR' });
  return {
    longDate: (instant: Date) => longDate.format(instant),
    shortDate: (instant: Date) => shortDate.format(instant),
    dateTime: (instant: Date) => dateTime.format(instant),
    /** A calendar date 'YYYY-MM-DD' as people write it: "02/11/2026" (both languages here write day first). */
    day: (date: string) => date.split('-').reverse().join('/'),
    /** Integer cents to "54,00 €" in French, "€54.00" in English. */
    money: (cents: number) => money.format(cents / 100),
  };
}
export type Formatters = ReturnType<typeof buildFormatters>;
