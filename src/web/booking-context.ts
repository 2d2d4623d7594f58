import { bookingContextFor, type BookingContext } from '../modules/bookings/booking-requests.js';
import type { Scope } from '../modules/scope.js';
import type { Tenant } from '../modules/tenancy/tenant-directory.js';
import type { Services } from '../services.js';

/** What the booking rules need to know of the authority: its calendar (kept in memory), time zone, and school years closed while unknown. */
export async function bookingContextOf(services: Services, scope: Scope, tenant: Tenant): Promise<BookingContext> {
  const calendar = await services.calendars.forTenant(scope.tx, tenant);
  return bookingContextFor(calendar, tenant);
}
