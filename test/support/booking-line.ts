import type { BookingSubmission } from '../../src/modules/bookings/booking-requests.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { bookingTurn, submitBooking } from '../../src/web/booking-gate.js';
import { BatchGate } from '../../src/web/load-shedding.js';
import type { TestPortal } from './test-portal.js';

/**
 * Makes an authority's booking line busy, deterministically: the portal's line is replaced by one
 * without a queue (as BOOKING_QUEUE=0) whose turns start only when the test says, and `submission`
 * is being answered meanwhile. Returns what ends it: the turn runs and its answer is given back.
 */
export async function occupyBookingLine(portal: TestPortal, tenant: Tenant, submission: BookingSubmission): Promise<() => Promise<unknown>> {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const turn = bookingTurn(portal.services);
  portal.app.bookingGate = new BatchGate(async (items) => {
    await opened;
    return turn(items);
  }, { maxBatch: portal.config.bookingBatch, maxQueue: 0, maxWaitMs: portal.config.bookingMaxWaitMs });
  const answered = submitBooking(portal.app.bookingGate, tenant, submission);
  return async () => {
    open();
    return answered;
  };
}
