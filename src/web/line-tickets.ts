import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** How long a ticket keeps its holder's place: a registration morning, not the next day. */
const TICKET_LIFETIME_MS = 15 * 60 * 1000;

/**
 * Tickets of the booking line: a request turned away under a rush is given the time of its first
 * click, signed, in its 503 answer (the page's hidden field, the API's error); sent back with the
 * same booking, it is served as of that time, not as of its return (web/load-shedding.ts). Signed
 * with the server's secret for one holder of one authority and one booking's choices: nobody can
 * make an earlier one, use another's, or jump the line with another booking. Every process of a
 * deployment shares the secret, so any of them honours it.
 */
export class LineTickets {
  private readonly key: KeyObject;

  constructor(serverSecret: string) {
    this.key = createSecretKey(Buffer.from(serverSecret));
  }

  /**
   * The ticket of `holder` (an account) in `line` (an authority) for the booking `choices`
   * (bookingChoices), clicked at `clickedAt` (µs since the epoch, load-shedding.ts clickNow).
   */
  issue(line: string, holder: string, choices: string, clickedAt: number): string {
    return `${clickedAt}.${this.mac(line, holder, choices, clickedAt)}`;
  }

  /**
   * The time of the first click a ticket sent back carries, or null when it is not one of ours, not
   * this holder's, not for these choices, or too old.
   */
  clickedAt(line: string, holder: string, choices: string, ticket: unknown, now = Date.now()): number | null {
    if (typeof ticket !== 'string') return null;
    const match = /^(\d{1,17})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
    if (!match) return null;
    const clickedAt = Number(match[1]);
    const ageMs = now - clickedAt / 1000;
    if (ageMs < -1000 || ageMs > TICKET_LIFETIME_MS) return null;
    const expected = Buffer.from(this.mac(line, holder, choices, clickedAt));
    const given = Buffer.from(match[2]!);
    return timingSafeEqual(expected, given) ? clickedAt : null;
  }

  private mac(line: string, holder: string, choices: string, clickedAt: number): string {
    return createHmac('sha256', this.key).update(`line-ticket:${line}:${holder}:${clickedAt}:${choices}`).digest('base64url');
  }
}

/**
 * What a ticket is for, as the page's form and the API's body send it: the activity and each
 * choice as child|unit|day, in any order (the same booking sent again may list them otherwise).
 */
export function bookingChoices(activityId: unknown, choices: readonly unknown[]): string {
  return JSON.stringify([String(activityId), choices.map(String).sort()]);
}
