// The changes feed read bucket by bucket on the real database: every change exactly once, in order, across bucket
// boundaries, filtered reads and long empty stretches (sequence numbers reserved by records that did not change).
import { randomUUID } from 'node:crypto';
import { ensureIndexes, openDatabase, type Database } from '../../../store/database';
import { FEED_BUCKET_SIZE, RecordRepository, type RecordDocument } from '../../../store/records';

const IDS = Array.from({ length: 2500 }, (_, i) => `003${String(i).padStart(12, '0')}`);

describe('changes feed', () => {
  let database: Database;
  let records: RecordRepository;

  beforeAll(async () => {
    database = await openDatabase(process.env.MONGODB_URI as string, `t_feed_${randomUUID().slice(0, 8)}`);
    await ensureIndexes(database.db);
    records = new RecordRepository(database.db);
    const apply = (ids: string[], runId: string, version: number) =>
      records.applyPage({
        connectionId: 'c',
        model: 'contacts',
        runId,
        seenMark: null,
        upserts: ids.map((id) => ({ externalId: id, data: { Id: id, version } })),
        deletedIds: [],
        ignoredFields: [],
      });
    // First sync: 2,500 records over three buckets.
    for (let i = 0; i < IDS.length; i += 1000) await apply(IDS.slice(i, i + 1000), 'run-1', 1);
    // A resync that changes nothing, then an attempt that reserved 2,500 numbers and crashed before writing: numbers
    // that no record keeps, an empty stretch of the feed.
    for (let i = 0; i < IDS.length; i += 1000) await apply(IDS.slice(i, i + 1000), 'run-2', 1);
    await records.feeds.reserve({ connectionId: 'c', model: 'contacts' }, IDS.length);
    // Then three records change and move to the end of the feed.
    await apply(IDS.slice(10, 13), 'run-3', 2);
    await records.feeds.publishAll({ connectionId: 'c', model: 'contacts' });
  });
  afterAll(async () => {
    await database?.db.dropDatabase();
    await database?.close();
  });

  /** Follows readThrough like the API's nextCursor does, until everything visible is read. */
  async function readAll(options: { limit: number; maxBuckets?: number; afterSeq?: number; actions?: ('added' | 'updated' | 'deleted')[] }) {
    const { afterSeq: start = 0, ...rest } = options;
    const seen: RecordDocument[] = [];
    let afterSeq = start;
    let calls = 0;
    for (;;) {
      const page = await records.readChanges({ connectionId: 'c', model: 'contacts', ...rest, afterSeq });
      calls++;
      expect(page.records.length).toBeLessThanOrEqual(options.limit);
      expect(page.readThrough).toBeGreaterThanOrEqual(afterSeq);
      seen.push(...page.records);
      if (page.readThrough >= page.visibleSeq) return { seen, calls, end: page.readThrough };
      expect(page.readThrough).toBeGreaterThan(afterSeq); // always progress
      afterSeq = page.readThrough;
    }
  }

  it('returns every record exactly once, in change order, with the changed ones last', async () => {
    const { seen, end } = await readAll({ limit: 1000 });
    expect(seen.map((r) => r.externalId).sort()).toEqual([...IDS].sort());
    const seqs = seen.map((r) => r.changeSeq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seen.slice(-3).map((r) => [r.externalId, r.lastAction])).toEqual(IDS.slice(10, 13).map((id) => [id, 'updated']));
    expect(end).toBe(await records.feeds.visibleSeq({ connectionId: 'c', model: 'contacts' }));
  });

  it('pages of any size, reading a bucket at a time, lose and repeat nothing across bucket edges and the empty stretch', async () => {
    const { seen, calls } = await readAll({ limit: 40, maxBuckets: 1 });
    expect(seen).toHaveLength(IDS.length);
    expect(new Set(seen.map((r) => r.externalId)).size).toBe(IDS.length);
    // The empty stretch (about 2,500 numbers, three buckets) cost empty pages that still moved the cursor on.
    expect(calls).toBeGreaterThan(Math.ceil(IDS.length / 40) + 2);
    expect(Math.max(...seen.map((r) => r.changeSeq))).toBeGreaterThan(2 * IDS.length);
    expect(FEED_BUCKET_SIZE).toBeLessThan(IDS.length); // the data really spans several buckets
  });

  it('resuming from a cursor in the middle returns only what came after it, and filters by action', async () => {
    const { seen: all } = await readAll({ limit: 1000 });
    const middle = all[1234].changeSeq;
    const { seen: rest } = await readAll({ limit: 100, afterSeq: middle });
    expect(rest.map((r) => r.externalId)).toEqual(all.slice(1235).map((r) => r.externalId));

    const { seen: updated } = await readAll({ limit: 2, actions: ['updated'] });
    expect(updated.map((r) => r.externalId)).toEqual(IDS.slice(10, 13));
  });
});
