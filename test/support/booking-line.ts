import type { BookingSubmission } from '../../src/modules/bookings/booking-requests.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { bookingTurn, submitBooking } from '../../src/web/booking-gate.js';
import { BatchGate } from '../../src/web/load-shedding.js';
import type { TestPortal } from './test-portal.js';

/**
 * Makes an authority's booking line full, deterministically: the portal's line is replaced by one
 * that lets a single request in (as BOOKING_QUEUE=1; `line` may let more in, and shorten the longest
 * wait) and whose turns start only when the test says, and `submission` holds that place, being
 * answered meanwhile. Returns what ends it: the turn runs, its answer is given back and the place is
 * free again.
 */
export async function occupyBookingLine(
  portal: TestPortal,
  tenant: Tenant,
  submission: BookingSubmission,
  line: { maxAdmitted?: number; maxWaitMs?: number } = {},
): Promise<() => Promise<unknown>> {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  const turn = bookingTurn(portal.services);
  portal.app.bookingGate = new BatchGate(
    async (items) => {
      await opened;
      return turn(items);
    },
    { maxBatch: portal.config.bookingBatch, maxAdmitted: line.maxAdmitted ?? 1, maxWaitMs: line.maxWaitMs ?? portal.config.bookingMaxWaitMs },
  );
  const release = portal.app.bookingGate.admit(tenant.id)!;
  const answered = submitBooking(portal.app.bookingGate, tenant, submission);
  return async () => {
    open();
    try {
      return await answered;
    } finally {
      release();
    }
  };
}
