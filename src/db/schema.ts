import type { ActivitiesTables } from '../modules/activities/activities.tables.js';
import type { BillingTables } from '../modules/billing/billing.tables.js';
import type { AuditTables } from '../modules/audit/audit.tables.js';
import type { AuthorityTables } from '../modules/authority/authority.tables.js';
import type { CalendarTables } from '../modules/calendar/calendar.tables.js';
import type { BookingsTables } from '../modules/bookings/bookings.tables.js';
import type { DocumentsTables } from '../modules/documents/documents.tables.js';
import type { DocumentSpaceTables } from '../modules/document-space/document-space.tables.js';
import type { HouseholdsTables } from '../modules/households/households.tables.js';
import type { IdentityTables } from '../modules/identity/identity.tables.js';
import type { LedgerTables } from '../modules/ledger/ledger.tables.js';
import type { MessagesTables } from '../modules/messages/messages.tables.js';
import type { LotteryTables } from '../modules/lottery/lottery.tables.js';
import type { OnlinePaymentTables } from '../modules/online-payment/online-payment.tables.js';
import type { NotificationsTables } from '../modules/notifications/notifications.tables.js';
import type { TenancyTables } from '../modules/tenancy/tenancy.tables.js';
import type { ShuttlesTables } from '../modules/shuttles/shuttles.tables.js';

/** The whole database as Kysely sees it: each module declares its own tables. */
export interface DB
  extends TenancyTables,
    HouseholdsTables,
    IdentityTables,
    ActivitiesTables,
    NotificationsTables,
    AuditTables,
    BookingsTables,
    DocumentsTables,
    CalendarTables,
    LotteryTables,
    LedgerTables,
    BillingTables,
    OnlinePaymentTables,
    MessagesTables,
    DocumentSpaceTables,
    ShuttlesTables,
    AuthorityTables {}
