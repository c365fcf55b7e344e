// Re-applying pages of records that are already stored, on the real database: the outcome counts, idempotency, and
// pages with more changed records than FerretDB 1.24 has PostgreSQL connections (about 50 per-record updates in one
// bulkWrite used to hang it for good).
import { randomUUID } from 'node:crypto';
import { ensureIndexes, openDatabase, type Database } from '../../../store/database';
import { RecordRepository, recordKey, type PageToApply, type RecordDocument } from '../../../store/records';

// Both ways a page is written (see applyPage): a first page of 120 is inserted first, a page after one that was mostly
// stored, or a page of a few records, is looked up first; 120 changed records in one page is well over FerretDB's
// pool of 50 connections. A second size checks that nothing depends on the page size.
describe.each([120, 300])('applying a page of %i records to records already stored', (COUNT) => {
  const IDS = Array.from({ length: COUNT }, (_, i) => `001${String(i).padStart(12, '0')}`);
  let database: Database;
  let records: RecordRepository;

  beforeAll(async () => {
    database = await openDatabase(process.env.MONGODB_URI as string, `t_apply_${randomUUID().slice(0, 8)}`);
    await ensureIndexes(database.db);
    records = new RecordRepository(database.db);
  });
  afterAll(async () => {
    await database?.db.dropDatabase();
    await database?.close();
  });

  const apply = (runId: string, page: Partial<PageToApply>) =>
    records.applyPage({ connectionId: 'c', model: 'accounts', runId, seenMark: null, upserts: [], deletedIds: [], ignoredFields: [], ...page });
  const upserts = (ids: string[], version: number) => ids.map((id) => ({ externalId: id, data: { Id: id, version } }));
  const stored = async (ids: string[]) => {
    const docs = await records.collection.find({ _id: { $in: ids.map((id) => recordKey('c', 'accounts', id)) } }).toArray();
    return new Map(docs.map((doc): [string, RecordDocument] => [doc.externalId, doc]));
  };

  it('counts added, unchanged, updated, deleted and revived records, and a repeated page changes nothing', async () => {
    expect(await apply('run-1', { upserts: upserts(IDS, 1) })).toEqual({ added: COUNT, updated: 0, deleted: 0, unchanged: 0 });

    const before = await stored(IDS);
    expect(await apply('run-2', { upserts: upserts(IDS, 1) })).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: COUNT });
    const after = await stored(IDS);
    for (const id of IDS) {
      expect(after.get(id)?.changeSeq).toBe(before.get(id)?.changeSeq);
      expect(after.get(id)?.lastChangeRunId).toBe('run-1');
    }

    // Every record of the page changes: one per-record update each, all in one page.
    expect(await apply('run-3', { upserts: upserts(IDS, 2) })).toEqual({ added: 0, updated: COUNT, deleted: 0, unchanged: 0 });
    expect(await apply('run-3', { upserts: upserts(IDS, 2) })).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: COUNT });
    const updated = await stored(IDS);
    for (const id of IDS) {
      expect(updated.get(id)).toMatchObject({ lastAction: 'updated', lastChangeRunId: 'run-3', data: { Id: id, version: 2 } });
      expect(updated.get(id)?.changeSeq).toBeGreaterThan(before.get(id)?.changeSeq as number);
    }

    // A delete of something never stored is not news; nor is deleting again what is already deleted.
    const deleted = IDS.slice(0, 70);
    expect(await apply('run-4', { deletedIds: [...deleted, 'never-stored'] })).toEqual({ added: 0, updated: 0, deleted: 70, unchanged: 0 });
    expect(await apply('run-4', { deletedIds: deleted })).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: 0 });
    expect((await stored(deleted)).get(deleted[0])).toMatchObject({ lastAction: 'deleted', deletedAt: expect.any(Date) });

    // A deleted record seen again is added back, whether or not its content changed; the others are unchanged.
    expect(await apply('run-5', { upserts: upserts(IDS, 2) })).toEqual({ added: 70, updated: 0, deleted: 0, unchanged: COUNT - 70 });
    expect((await stored(deleted)).get(deleted[0])).toMatchObject({ lastAction: 'added', deletedAt: null, lastChangeRunId: 'run-5' });
    expect(await records.countLive({ connectionId: 'c', model: 'accounts' })).toBe(COUNT);
  });

  it('a lookback re-read that changes nothing writes nothing: no record, no feed sequence number', async () => {
    const feed = () => database.db.collection<{ _id: string; seq: number }>('change_feeds').findOne({ _id: 'c:accounts' });
    const lookback = IDS.slice(COUNT - 5);
    const before = await feed();
    const storedBefore = await stored(lookback);
    expect(await apply('run-lookback', { upserts: upserts(lookback, 2) })).toEqual({ added: 0, updated: 0, deleted: 0, unchanged: 5 });
    expect((await feed())?.seq).toBe(before?.seq);
    const storedAfter = await stored(lookback);
    for (const id of lookback) expect(storedAfter.get(id)).toEqual(storedBefore.get(id));
  });

  it('a full resync marks what it saw, changed or not, and then deletes exactly what it did not see', async () => {
    const seen = IDS.slice(0, 60);
    const changed = seen.slice(0, 10);
    const page = [...upserts(changed, 3), ...upserts(seen.slice(10), 2)];
    expect(await apply('full-1', { seenMark: 'full-1', upserts: page })).toEqual({ added: 0, updated: 10, deleted: 0, unchanged: 50 });
    const marked = await stored(seen);
    for (const id of seen) expect(marked.get(id)?.seenByRun).toBe('full-1');

    expect(await records.markUnseenAsDeleted({ connectionId: 'c', model: 'accounts' }, { runId: 'full-1', seenMark: 'full-1' }, 25)).toBe(COUNT - 60);
    expect(await records.markUnseenAsDeleted({ connectionId: 'c', model: 'accounts' }, { runId: 'full-1', seenMark: 'full-1' }, 25)).toBe(0);
    expect(await records.countLive({ connectionId: 'c', model: 'accounts' })).toBe(60);
    expect(await records.countRunOutcome('full-1')).toEqual({ added: 0, updated: 10, deleted: COUNT - 60 });
  });

  it('never moves a record back in the feed: a late write from an abandoned attempt changes nothing', async () => {
    const [id] = IDS;
    await apply('retry', { upserts: upserts([id], 10) });
    const current = (await stored([id])).get(id) as RecordDocument;
    // The abandoned attempt reserved its numbers before the retry did, and writes only now.
    const reserve = records.feeds.reserve;
    records.feeds.reserve = async () => current.changeSeq - 1;
    try {
      await apply('abandoned', { upserts: upserts([id], 9) });
      await apply('abandoned', { deletedIds: [id] });
    } finally {
      records.feeds.reserve = reserve;
    }
    expect((await stored([id])).get(id)).toMatchObject({ changeSeq: current.changeSeq, lastChangeRunId: 'retry', data: { Id: id, version: 10 }, deletedAt: null });
  });
});
