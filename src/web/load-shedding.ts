import type { LinePlaces, PromisedPlace } from '../modules/bookings/shared-booking-line.js';

/**
 * Registration day: thousands of parents post at the same second. Letting every request into its
 * own booking transaction makes each wait behind all the others on the same day counters, and pay
 * its own commit. Instead the submissions of one authority line up, and each turn answers all those
 * that arrived meanwhile (up to `maxBatch`) in one transaction: the counters are locked once and the
 * commit is paid once. A bounded number are let in, counted from the moment they are whole and their
 * sender known (web/app.ts) to their answer; the rest, those who would wait too long, and any that
 * did, are told at once to come back (503 with Retry-After), having changed nothing. The page retries by
 * itself.
 *
 * First come is first served: a request turned away is given its place (web/line-tickets.ts carries
 * the time of its first click back), the places of the line are kept for the earlier clicks expected
 * back, and each turn answers its submissions in the order of their clicks — the last places and the
 * waiting list's ranks go to who clicked first, not to who happened to come back first.
 *
 * The places promised, and the requests let in by other processes, are kept by `places`: in this
 * process's memory (ProcessLinePlaces), or, when several processes share one PostgreSQL database,
 * in it (modules/bookings/shared-booking-line.ts): the places promised by any of them are kept in
 * all, and the line's size counts the requests let in by all, as known a flush ago.
 */
export interface BatchGateOptions {
  /** Items answered in one turn at most. */
  maxBatch: number;
  /** Items let in per line at most, from `admit` to their answer; beyond, they are turned away at once. */
  maxAdmitted: number;
  /** An item still waiting after this long is answered 'shed' rather than late. */
  maxWaitMs: number;
}

/** Answers a turn's items, one answer per item in the same order. */
export type BatchRunner<In, Out> = (items: In[]) => Promise<Out[]>;

interface Waiting<In, Out> {
  item: In;
  clickedAt: number;
  resolve(answer: Out | 'shed'): void;
  reject(error: unknown): void;
  timer: NodeJS.Timeout;
}

interface Line<In, Out> {
  waiting: Waiting<In, Out>[];
  busy: boolean;
  /** When the running turn started, and how long the last one took (to foresee a wait). */
  turnStartedAt: number;
  lastTurnMs: number;
}

let lastClick = 0;

/**
 * The time of a click, in microseconds since the epoch, each later than the one before in this
 * process: hundreds of parents click within the same millisecond, and each must have its own place.
 */
export function clickNow(): number {
  lastClick = Math.max(Math.round((performance.timeOrigin + performance.now()) * 1000), lastClick + 1);
  return lastClick;
}

/**
 * How long after its foreseen time a request turned away keeps its place for the others: one that
 * does not come back (its page closed) holds the line no longer than this.
 */
const PROMISE_GRACE_MS = 5000;

/** The shortest wait told to a request turned away, and the shortest round of the line assumed. */
const MIN_WAIT_MS = 500;
const MIN_ROUND_MS = 300;

/**
 * Requests turned away answered per turn of the event loop: one, so that those let in wait at most
 * one such answer (well under a millisecond) between two of their own steps.
 */
const TURNED_AWAY_PER_LOOP_TURN = 1;

export class BatchGate<In, Out> {
  private readonly lines = new Map<string, Line<In, Out>>();
  private readonly admitted = new Map<string, number>();
  /** Per line, how long a request let in takes to be answered (a moving average, ms). */
  private readonly serviceMs = new Map<string, number>();

  /** Those turned away wait here for their answer, one per turn of the event loop. */
  readonly turnedAway = new LoopPacer(TURNED_AWAY_PER_LOOP_TURN);

  /**
   * What the gate did since the process started (/metrics): requests let in, turned away at once
   * because the line was full, answered 'shed' because their turn would come (or came) too late,
   * and turns run.
   */
  readonly totals = { admitted: 0, lineFull: 0, shed: 0, turns: 0 };

  /** When a request was last turned away because the line was full (performance.now()). */
  private lastTurnedAwayAt = Number.NEGATIVE_INFINITY;

  constructor(
    private readonly runner: BatchRunner<In, Out>,
    private readonly options: BatchGateOptions,
    /** The places promised and the other processes' requests: the database's with several processes (PostgreSQL). */
    private readonly places: LinePlaces = new ProcessLinePlaces(),
  ) {}

  /**
   * Lets one more request of `line` in, before its own work starts: under a rush the excess costs
   * no more than reading it. A request clicked at `clickedAt` (clickNow; `key` names its promised place, if
   * it had one) comes in only if there is room left once the places promised to earlier clicks are
   * kept. Returns what gives the place back once the request is answered (call it once), or null
   * when the line is full for it.
   */
  admit(line: string, clickedAt = clickNow(), key?: string): (() => void) | null {
    const count = this.admitted.get(line) ?? 0;
    if (
      count + this.places.othersAdmitted(line) + this.promisedBefore(line, clickedAt, key) >= this.options.maxAdmitted ||
      // More turned away still waiting for their answer than the line holds: the process is behind
      // on its cheapest answers (a rush's first second), and more let in would only delay them all.
      this.turnedAway.backlog > this.options.maxAdmitted
    ) {
      this.totals.lineFull += 1;
      this.lastTurnedAwayAt = performance.now();
      return null;
    }
    if (key) this.places.honour(line, key);
    this.admitted.set(line, count + 1);
    this.places.admitted(line, count + 1);
    this.totals.admitted += 1;
    const admittedAt = performance.now();
    return () => {
      const left = this.admitted.get(line)! - 1;
      if (left === 0) this.admitted.delete(line);
      else this.admitted.set(line, left);
      this.places.admitted(line, left);
      const took = performance.now() - admittedAt;
      const known = this.serviceMs.get(line);
      this.serviceMs.set(line, known === undefined ? took : 0.8 * known + 0.2 * took);
    };
  }

  /**
   * The place of a request turned away (`key`: its holder and click), among those expected back,
   * and how long it should wait before coming back: its place is kept for it until then, and a
   * little longer.
   */
  placeInLine(line: string, key: string, clickedAt: number): { place: number; waitMs: number } {
    const place = 1 + this.promisedBefore(line, clickedAt, key);
    const waitMs = Math.max(MIN_WAIT_MS, Math.ceil(place / this.perMs(line)));
    this.places.promise(line, key, { clickedAt, dueBy: Date.now() + waitMs + PROMISE_GRACE_MS });
    return { place, waitMs };
  }

  /**
   * How many requests of the line can be answered a millisecond: `maxAdmitted` at once, each taking
   * as long as those let in lately took from their admission to their answer (Little's law; before
   * any, about a turn and a half). Measured on the requests served, not on the time passed, so
   * that a line left idle by late comers does not tell the next ones to come even later. A request
   * told to come back too soon is only turned away again, keeping its place.
   */
  private perMs(line: string): number {
    const roundMs = this.serviceMs.get(line) ?? (this.lines.get(line)?.lastTurnMs ?? 0) * 1.5;
    return this.options.maxAdmitted / Math.max(MIN_ROUND_MS, roundMs);
  }

  /** Places promised in `line` to clicks earlier than `clickedAt` (other than `key`'s own), not overdue. */
  private promisedBefore(line: string, clickedAt: number, key: string | undefined): number {
    const promised = this.places.promised(line);
    if (!promised) return 0;
    const now = Date.now();
    let earlier = 0;
    for (const [other, place] of promised) {
      if (place.dueBy < now) continue;
      // Clicks of the same microsecond are ordered by their keys, so that each has a place of its own.
      if (place.clickedAt < clickedAt || (place.clickedAt === clickedAt && key !== undefined && other < key)) earlier += 1;
    }
    return earlier;
  }

  /**
   * Lines up `item` of `line` (an authority) behind the submissions clicked before it; 'shed' when
   * its turn would come too late.
   */
  submit(line: string, item: In, clickedAt = clickNow()): Promise<Out | 'shed'> {
    const state = this.lines.get(line) ?? { waiting: [], busy: false, turnStartedAt: 0, lastTurnMs: 0 };
    this.lines.set(line, state);
    // Turned away at once only behind a full turn at least: one that fits in the next turn is
    // answered then, however long the running one takes (on a slow machine a turn can last longer
    // than maxWaitMs, and shedding those let in would serve only who happened to come between turns).
    if (state.busy && state.waiting.length >= this.options.maxBatch && this.foreseenWaitMs(state) > this.options.maxWaitMs) {
      this.totals.shed += 1;
      return Promise.resolve('shed');
    }
    return new Promise((resolve, reject) => {
      const entry: Waiting<In, Out> = {
        item,
        clickedAt,
        resolve,
        reject,
        timer: setTimeout(
          () => {
            const index = state.waiting.indexOf(entry);
            if (index < 0) return;
            state.waiting.splice(index, 1);
            this.totals.shed += 1;
            resolve('shed');
          },
          Math.max(this.options.maxWaitMs, 2 * state.lastTurnMs),
        ),
      };
      // In the order of the clicks: a submission that came back with its place goes before later clicks.
      let index = state.waiting.length;
      while (index > 0 && state.waiting[index - 1]!.clickedAt > clickedAt) index -= 1;
      state.waiting.splice(index, 0, entry);
      if (!state.busy) {
        // The first of a rush waits one turn of the event loop for those read with it: they share its turn.
        state.busy = true;
        setImmediate(() => void this.drain(state));
      }
    });
  }

  /** Whether a line was full within the last `ms`: a rush is on (registration day), not a busy ordinary day. */
  fullWithin(ms: number): boolean {
    return performance.now() - this.lastTurnedAwayAt < ms;
  }

  /** Requests let in and not answered yet, and submissions waiting for their turn, over every line. */
  current(): { inProgress: number; waiting: number } {
    let inProgress = 0;
    let waiting = 0;
    for (const count of this.admitted.values()) inProgress += count;
    for (const state of this.lines.values()) waiting += state.waiting.length;
    return { inProgress, waiting };
  }

  /**
   * How long a newcomer would wait for its turn, judging by the last turn: told 'shed' at once
   * rather than after waiting in vain, the parent's page retries sooner and the line stays short.
   */
  private foreseenWaitMs(state: Line<In, Out>): number {
    const rest = Math.max(0, state.lastTurnMs - (performance.now() - state.turnStartedAt));
    return rest + Math.floor(state.waiting.length / this.options.maxBatch) * state.lastTurnMs;
  }

  /** Answers the line's turns until nobody waits (`busy` was set by `submit` when it scheduled this). */
  private async drain(state: Line<In, Out>): Promise<void> {
    while (state.waiting.length > 0) {
      const turn = state.waiting.splice(0, this.options.maxBatch);
      for (const entry of turn) clearTimeout(entry.timer);
      state.turnStartedAt = performance.now();
      this.totals.turns += 1;
      await this.answer(turn);
      state.lastTurnMs = performance.now() - state.turnStartedAt;
    }
    // The line's state stays (one per authority): the next rush starts from the last turn's time.
    state.busy = false;
  }

  /** Runs a turn; if it fails as a whole, each item runs alone, so one bad item fails only itself. */
  private async answer(turn: Waiting<In, Out>[]): Promise<void> {
    try {
      const answers = await this.runner(turn.map((entry) => entry.item));
      for (const [index, entry] of turn.entries()) entry.resolve(answers[index]!);
    } catch (error) {
      if (turn.length === 1) {
        turn[0]!.reject(error);
        return;
      }
      for (const entry of turn) await this.answer([entry]);
    }
  }
}

/** The line's places when the portal is one process: in its memory, nobody else letting requests in. */
export class ProcessLinePlaces implements LinePlaces {
  private readonly places = new Map<string, Map<string, PromisedPlace>>();

  othersAdmitted(): number {
    return 0;
  }

  admitted(): void {}

  /** The line's places, forgetting those overdue (their holder did not come back). */
  promised(line: string): ReadonlyMap<string, PromisedPlace> | undefined {
    const places = this.places.get(line);
    if (!places) return undefined;
    const now = Date.now();
    for (const [key, place] of places) if (place.dueBy < now) places.delete(key);
    if (places.size === 0) this.places.delete(line);
    return places;
  }

  promise(line: string, key: string, place: PromisedPlace): void {
    this.places.set(line, (this.places.get(line) ?? new Map<string, PromisedPlace>()).set(key, place));
  }

  honour(line: string, key: string): void {
    this.places.get(line)?.delete(key);
  }
}

/**
 * Lets its callers through a few per turn of the event loop, in their order. A rush's requests
 * arrive within milliseconds and Node carries each through all its hooks (microtasks) before it
 * reads the next socket: answering hundreds of turned-away requests in one go would leave the
 * database replies of those let in unread meanwhile (a third of a second at 500 parents). Paced,
 * the turned-away wait a little and those let in go on between them.
 */
export class LoopPacer {
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly perTurn: number) {}

  /** Callers still waiting for their turn. */
  get backlog(): number {
    return this.waiting.length;
  }

  /** Resolves in a later turn of the event loop, behind those already waiting. */
  next(): Promise<void> {
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      if (this.waiting.length === 1) setImmediate(() => this.release());
    });
  }

  private release(): void {
    for (const resolve of this.waiting.splice(0, this.perTurn)) resolve();
    if (this.waiting.length > 0) setImmediate(() => this.release());
  }
}
