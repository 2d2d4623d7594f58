/**
 * Registration day: thousands of parents post at the same second. Letting every request into the
 * booking transaction at once makes each wait behind all the others (and the database's locks);
 * instead a few run at a time, a bounded number wait their turn, and the rest are told at once to
 * come back (503 with Retry-After), having changed nothing. The page retries by itself.
 */
export class ConcurrencyGate {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    private readonly limit: number,
    private readonly maxQueue: number,
    private readonly maxWaitMs: number,
  ) {}

  /** Runs `work` when a slot is free; 'shed' when the queue is full or the wait too long. */
  async run<T>(work: () => Promise<T>): Promise<T | 'shed'> {
    if (this.running >= this.limit) {
      if (this.waiting.length >= this.maxQueue) return 'shed';
      const admitted = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => {
          const index = this.waiting.indexOf(wake);
          if (index >= 0) this.waiting.splice(index, 1);
          resolve(false);
        }, this.maxWaitMs);
        const wake = () => {
          clearTimeout(timer);
          resolve(true);
        };
        this.waiting.push(wake);
      });
      if (!admitted) return 'shed';
    } else {
      this.running += 1;
    }
    try {
      return await work();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiting request, so `running` stays counted.
      if (next) next();
      else this.running -= 1;
    }
  }
}
