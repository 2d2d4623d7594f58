/**
 * The rhythm of a process's state shared through the database (the rate-limit counts, the booking
 * line): work is noted in memory at once and sent by `send`, one at a time, `everyMs` after it is
 * asked for. The timer never keeps the process alive.
 */
export class PeriodicFlush {
  private running: Promise<void> | null = null;
  private queued: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(
    private readonly send: () => Promise<void>,
    private readonly everyMs: number,
  ) {}

  /** Sends now, or right after the send under way (which may have read its state before the caller's last change); resolves when sent. */
  now(): Promise<void> {
    if (!this.running) return this.start();
    const next = () => {
      this.queued = null;
      return this.start();
    };
    this.queued ??= this.running.then(next, next);
    return this.queued;
  }

  /** Sends in `everyMs`, unless a send is already due or the process is closing. */
  soon(): void {
    if (this.timer || this.closed) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.now();
    }, this.everyMs);
    this.timer.unref();
  }

  private start(): Promise<void> {
    this.running = this.send().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** Stops the timer and sends what is left (the process is closing). */
  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.now();
  }
}
