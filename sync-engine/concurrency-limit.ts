// At most N requests in flight to one provider from this process, granted first come, first served.

/**
 * Why per request and not per slice: a slice lives for minutes and spends most of that storing pages, so a
 * per-slice permit would hold capacity idle and make a big sync block every other connection until its slice
 * ends. A permit per HTTP request is held only while the provider works on it; slices of every connection take
 * turns page by page, and the provider never sees more than N requests from this worker at once.
 */
export class ConcurrencyLimit {
  private inFlight = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new Error(`concurrency limit must be a positive integer, not ${limit}`);
  }

  /** Resolves with the function that hands the permit back; rejects if `signal` aborts first. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.inFlight < this.limit) {
      this.inFlight++;
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const waiter = {
        grant: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(signal?.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiting.push(waiter);
    });
    // The releaser that woke us passed its permit on: inFlight already counts this one.
    return this.releaser();
  }

  /** Requests in flight and waiting, for tests and debugging. */
  usage(): { inFlight: number; waiting: number } {
    return { inFlight: this.inFlight, waiting: this.waiting.length };
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next.grant();
      else this.inFlight--;
    };
  }
}

/** One limit per provider, made on first use; the limit of a provider is fixed for the life of the process. */
export class ProviderConcurrencyLimits {
  private readonly byProvider = new Map<string, ConcurrencyLimit>();

  for(providerKey: string, limit: number): ConcurrencyLimit {
    let existing = this.byProvider.get(providerKey);
    if (!existing) {
      existing = new ConcurrencyLimit(limit);
      this.byProvider.set(providerKey, existing);
    }
    return existing;
  }
}
