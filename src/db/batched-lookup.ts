/**
 * Look-ups of one kind asked during the same turn of the event loop share one statement. Every
 * page reads its session and its household's summary; under a rush hundreds of requests ask within
 * the same few milliseconds, and one statement per request costs the server a round trip each and
 * the database a parse and a plan each. A look-up waits at most for the end of the current turn.
 */
export class BatchedLookup<K, V> {
  private waiting = new Map<K, { resolve(value: V | undefined): void; reject(error: unknown): void }[]>();
  private scheduled = false;

  /** `fetch` reads every key given in one statement and returns what it found, by key. */
  constructor(
    private readonly fetch: (keys: K[]) => Promise<Map<K, V>>,
    private readonly maxKeys = 500,
  ) {}

  get(key: K): Promise<V | undefined> {
    return new Promise((resolve, reject) => {
      const callers = this.waiting.get(key);
      if (callers) callers.push({ resolve, reject });
      else this.waiting.set(key, [{ resolve, reject }]);
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => void this.flush());
      }
    });
  }

  private async flush(): Promise<void> {
    const batch = this.waiting;
    this.waiting = new Map();
    this.scheduled = false;
    const keys = [...batch.keys()];
    for (let start = 0; start < keys.length; start += this.maxKeys) {
      const chunk = keys.slice(start, start + this.maxKeys);
      try {
        const found = await this.fetch(chunk);
        for (const key of chunk) for (const caller of batch.get(key)!) caller.resolve(found.get(key));
      } catch (error) {
        for (const key of chunk) for (const caller of batch.get(key)!) caller.reject(error);
      }
    }
  }
}
