// An app paging through GET /records while syncs write: what it read, replayed in order, is exactly the final truth,
// and no change ever came twice under the same cursor. Writes of one page land in any order; the feed must still
// never hand out a position past a change that is not written yet.
import { cursorSeq } from '../../../contracts/change-cursor';
import { eventually } from '../../support/eventually';
import { storedLiveRecords, waitForRunAfter, type FeedRecord } from '../../support/assertions';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { providerCatalog } from '../../../providers/catalog';

const CONTACTS = 6_000;
const PAGE = 200;

describe('a changes-feed reader running concurrently with syncs', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ name: 'feed-reader', catalog: providerCatalog.withApi('salesforce', () => ({ pageSize: PAGE })) });
    stack.sandbox.seed('Account', 20);
    stack.sandbox.seed('Contact', CONTACTS, { tieGroupSize: 350 });
  });
  afterAll(() => stack?.close());

  it('reads every change exactly once per cursor, and its replay equals the final records', async () => {
    // Slow pages, so the reader catches the sync mid-way many times.
    stack.sandbox.faults.slowResponses({ delayMs: 40 });
    const read: FeedRecord[] = [];
    let cursor: string | undefined;
    /** Times the reader reached the end of the feed before the first sync had written every contact. */
    let caughtUpMidSync = 0;
    let syncsDone = false;

    /** Reads one page, checking what every page must hold, and returns whether the feed said there is more. */
    async function readPage(): Promise<boolean> {
      const query = new URLSearchParams({ connectionId: 'acme', model: 'contacts', limit: '150', ...(cursor ? { cursor } : {}) });
      const page = await stack.api('GET', `/records?${query}`);
      expect(page.status).toBe(200);
      const after = cursor ? (cursorSeq(cursor) as number) : 0;
      let previous = after;
      for (const record of page.body.records as FeedRecord[]) {
        const seq = cursorSeq(record.cursor) as number;
        // Strictly after the cursor asked for and in feed order: nothing already handed out comes again.
        expect(seq).toBeGreaterThan(previous);
        previous = seq;
        read.push(record);
      }
      expect(cursorSeq(page.body.nextCursor)).toBeGreaterThanOrEqual(previous);
      cursor = page.body.nextCursor;
      if (!page.body.hasMore && read.length < CONTACTS) caughtUpMidSync++;
      return page.body.hasMore;
    }

    expect((await stack.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
    const reader = (async () => {
      for (;;) {
        const hasMore = await readPage();
        if (syncsDone && !hasMore) return;
        if (!hasMore) await new Promise((resolve) => setTimeout(resolve, 50));
      }
    })();
    // A failed read fails the test at once, not after the waits below time out.
    const readerFailed = reader.then(() => new Promise<never>(() => undefined));
    const whileReading = <T>(waiting: Promise<T>) => Promise.race([waiting, readerFailed]);

    // Once the reader has seen part of the first sync, change records on both sides of where it stands: some it
    // has read (they must come again, as updates or deletes), some it has not reached yet.
    await whileReading(eventually(() => read.length >= 1_000, { timeoutMs: 120_000, intervalMs: 25, what: 'the reader to be part-way through' }));
    const ids = stack.sandbox.records('Contact').map((c) => c.Id);
    const changed = [...ids.slice(0, 40), ...ids.slice(-40)];
    const deleted = [...ids.slice(100, 120), ...ids.slice(-120, -100)];
    for (const id of changed) stack.sandbox.update('Contact', id, { Title: `Changed while reading ${id}` });
    for (const id of deleted) stack.sandbox.delete('Contact', id);
    const added = Array.from({ length: 30 }, (_, i) => stack.sandbox.create('Contact', { LastName: `Added while reading ${i}` }).Id);

    const first = await whileReading(waitForRunAfter(stack, 'acme', 'contacts', null, 180_000));
    expect(first.status).toBe('succeeded');
    // The first run read a snapshot taken when its query started; the changes are the second run's.
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const second = await whileReading(waitForRunAfter(stack, 'acme', 'contacts', first.runId, 180_000));
    expect(second).toMatchObject({ status: 'succeeded', added: 30, updated: changed.length, deleted: deleted.length });
    syncsDone = true;
    await reader;
    stack.sandbox.faults.clear();

    // The reader really did overlap the first sync: it caught up with the writer before the writer was done.
    expect(caughtUpMidSync).toBeGreaterThanOrEqual(1);

    // Never the same change twice under one cursor.
    const keys = read.map((r) => `${r.id}@${r.cursor}`);
    expect(new Set(keys).size).toBe(keys.length);

    // Replaying what was read, in order, gives exactly the final state: every live contact with its final data, and
    // nothing else alive.
    const replayed = new Map<string, FeedRecord>();
    for (const record of read) replayed.set(record.id, record);
    const live = new Map([...replayed].filter(([, r]) => r.action !== 'deleted').map(([id, r]) => [id, r.data]));
    expect(live).toEqual(await storedLiveRecords(stack, 'acme', 'contacts'));
    const truth = stack.sandbox.records('Contact').map((c) => c.Id);
    expect([...live.keys()].sort()).toEqual([...truth].sort());
    for (const id of deleted) expect(replayed.get(id)).toMatchObject({ action: 'deleted', deletedAt: expect.any(String) });
    for (const id of added) expect(replayed.get(id)?.action).toBe('added');
    for (const id of changed) expect(replayed.get(id)?.data.Title).toBe(`Changed while reading ${id}`);
  }, 400_000);
});
