// Reading one page ahead: order, the one-item bound, failures after the page before, and stopping early.
import { readAhead } from '../../../bench/read-ahead';

/** A source of pages 1..count whose reads the test releases one by one, recording what was asked when. */
function gatedSource(count: number, options: { failAt?: number } = {}) {
  const events: string[] = [];
  const gates: (() => void)[] = [];
  let closed = false;
  async function* pages(): AsyncGenerator<number> {
    try {
      for (let page = 1; page <= count; page++) {
        events.push(`fetch ${page} started`);
        await new Promise<void>((release) => gates.push(release));
        if (page === options.failAt) throw new Error(`page ${page} failed`);
        events.push(`fetch ${page} done`);
        yield page;
      }
    } finally {
      closed = true;
      events.push('source closed');
    }
  }
  return {
    pages: pages(),
    events,
    /** Lets the oldest read still waiting finish. */
    release: async () => {
      for (let waited = 0; gates.length === 0; waited++) {
        if (waited > 20) throw new Error('expected a read of the source to be in flight, none was');
        await tick();
      }
      (gates.shift() as () => void)();
      await tick();
    },
    get closed() {
      return closed;
    },
  };
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('readAhead', () => {
  it('yields every page in order and starts reading the next one while the current one is handled', async () => {
    const source = gatedSource(3);
    const seen: number[] = [];
    const startedWhileHandling: string[][] = [];
    const consuming = (async () => {
      for await (const page of readAhead(source.pages)) {
        await tick();
        startedWhileHandling.push(source.events.filter((event) => event.endsWith('started')));
        seen.push(page);
        // The read of the next page waits for the test: release it only after this page was handled.
        if (page < 3) await source.release();
      }
    })();
    await source.release();
    await consuming;
    expect(seen).toEqual([1, 2, 3]);
    // While page N is handled, page N+1 is being read already, and page N+2 is not.
    expect(startedWhileHandling).toEqual([
      ['fetch 1 started', 'fetch 2 started'],
      ['fetch 1 started', 'fetch 2 started', 'fetch 3 started'],
      ['fetch 1 started', 'fetch 2 started', 'fetch 3 started'],
    ]);
    expect(source.closed).toBe(true);
  });

  it('never reads more than one page ahead of a consumer that is slow', async () => {
    const source = gatedSource(10);
    const iterator = readAhead(source.pages);
    const first = iterator.next();
    await source.release();
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    // The consumer holds page 1; release as many reads as the source would do: only page 2 may be read.
    await source.release();
    for (let i = 0; i < 5; i++) await tick();
    expect(source.events.filter((event) => event.startsWith('fetch') && event.endsWith('started'))).toEqual(['fetch 1 started', 'fetch 2 started']);
    await iterator.return();
  });

  it('reports a failed read ahead only when the consumer asks for that page, after it finished the one before', async () => {
    const source = gatedSource(3, { failAt: 2 });
    const handled: number[] = [];
    const consuming = (async () => {
      for await (const page of readAhead(source.pages)) {
        await source.release(); // page 2's read fails while page 1 is being handled
        await tick();
        handled.push(page);
      }
    })();
    await source.release();
    await expect(consuming).rejects.toThrow('page 2 failed');
    expect(handled).toEqual([1]);
    expect(source.closed).toBe(true);
  });

  it('closes the source after the read in flight settles when the consumer stops early, dropping that read', async () => {
    const source = gatedSource(5);
    const seen: number[] = [];
    const consuming = (async () => {
      for await (const page of readAhead(source.pages)) {
        seen.push(page);
        if (page === 1) break;
      }
    })();
    await source.release();
    await tick();
    // Page 2 is being read: stopping waits for it, so nothing of the source keeps running afterwards.
    expect(source.closed).toBe(false);
    await source.release();
    await consuming;
    expect(seen).toEqual([1]);
    expect(source.closed).toBe(true);
    expect(source.events).not.toContain('fetch 3 started');
  });

  it('reads nothing ahead of an item the consumer says it will stop after', async () => {
    const source = gatedSource(3);
    const iterator = readAhead(source.pages, { readAheadOf: (page) => page !== 1 });
    const first = iterator.next();
    await source.release();
    await expect(first).resolves.toEqual({ done: false, value: 1 });
    for (let i = 0; i < 5; i++) await tick();
    expect(source.events.filter((event) => event.endsWith('started'))).toEqual(['fetch 1 started']);
    // Asked for anyway, page 2 is read then, and page 3 ahead of it.
    const second = iterator.next();
    await source.release();
    await expect(second).resolves.toEqual({ done: false, value: 2 });
    await tick();
    expect(source.events.filter((event) => event.endsWith('started'))).toEqual(['fetch 1 started', 'fetch 2 started', 'fetch 3 started']);
    await source.release();
    await iterator.return();
  });

  it('drops a read ahead that fails after the consumer stopped, without an unhandled rejection', async () => {
    const source = gatedSource(3, { failAt: 2 });
    const consuming = (async () => {
      for await (const page of readAhead(source.pages)) if (page === 1) break;
    })();
    await source.release();
    await source.release();
    await expect(consuming).resolves.toBeUndefined();
    expect(source.closed).toBe(true);
  });
});
