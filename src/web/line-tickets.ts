import { createHmac, createSecretKey, timingSafeEqual, type KeyObject } from 'node:crypto';

/** How long a ticket keeps its holder's place: a registration morning, not the next day. */
const TICKET_LIFETIME_MS = 15 * 60 * 1000;

/**
 * Tickets of the booking line: a request turned away under a rush is given the time of its first
 * click, signed, in its 503 answer (the page's hidden field, the API's error); sent back with the
 * same booking, it is served as of that time, not as of its return (web/load-shedding.ts). Signed
 * with the server's secret for one holder of one authority: nobody can make an earlier one, or use
 * another's. Every process of a deployment shares the secret, so any of them honours it.
 */
export class LineTickets {
  private readonly key: KeyObject;

  constructor(serverSecret: string) {
    this.key = createSecretKey(Buffer.from(serverSecret));
  }

  /** The ticket of `holder` (an account) in `line` (an authority), clicked at `clickedAt` (µs since the epoch, load-shedding.ts clickNow). */
  issue(line: string, holder: string, clickedAt: number): string {
    return `${clickedAt}.${this.mac(line, holder, clickedAt)}`;
  }

  /** The time of the first click a ticket sent back carries, or null when it is not one of ours, not this holder's, or too old. */
  clickedAt(line: string, holder: string, ticket: unknown, now = Date.now()): number | null {
    if (typeof ticket !== 'string') return null;
    const match = /^(\d{1,17})\.([A-Za-z0-9_-]{43})$/.exec(ticket);
    if (!match) return null;
    const clickedAt = Number(match[1]);
    const ageMs = now - clickedAt / 1000;
    if (ageMs < -1000 || ageMs > TICKET_LIFETIME_MS) return null;
    const expected = Buffer.from(this.mac(line, holder, clickedAt));
    const given = Buffer.from(match[2]!);
    return timingSafeEqual(expected, given) ? clickedAt : null;
  }

  private mac(line: string, holder: string, clickedAt: number): string {
    return createHmac('sha256', this.key).update(`line-ticket:${line}:${holder}:${clickedAt}`).digest('base64url');
  }
}
