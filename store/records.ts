// Stores synced records, one document per (connection, model, external id), and serves them in change order.
import type { AnyBulkWriteOperation, Db, Filter, UpdateFilter } from 'mongodb';
import { duplicateKeyIndexes } from './duplicate-key';
import { ChangeFeedRepository, feedKey, storageScope, type FeedId } from './change-feeds';
import { contentHash } from './content-hash';
import { COLLECTIONS } from './database';

export type RecordAction = 'added' | 'updated' | 'deleted';

export interface RecordDocument {
  _id: string;
  connectionId: string;
  /** The connection's life this record belongs to (see FeedId); absent for connections created before incarnations. */
  incarnation?: string;
  model: string;
  externalId: string;
  data: Record<string, unknown>;
  hash: string;
  firstSeenAt: Date;
  lastModifiedAt: Date;
  lastAction: RecordAction;
  deletedAt: Date | null;
  /** Position in the (connection, model) changes feed; moves forward on every change. */
  changeSeq: number;
  /** `feedBucketOf(changeSeq)`: lets the feed be read with equality queries (see `readChanges`). */
  feedBucket: number;
  lastChangeRunId: string;
  /** Set by a full resync on every record it saw, so the ones it did not see can be marked deleted. */
  seenByRun?: string;
}

export interface PageToApply extends FeedId {
  runId: string;
  /**
   * What marks the page's records seen by the run's read of everything (its sweep, see SyncRunDocument.sweep; see
   * `seenMarkOf`); null when the run does not sweep, and nothing is marked.
   */
  seenMark: string | null;
  /**
   * The caller expects most of the page to be stored already, so it is looked up before writing whatever its size:
   * an incremental run's first page re-reads the lookback window, which after a bulk load holds hundreds of records.
   */
  likelyStored?: boolean;
  upserts: { externalId: string; data: Record<string, unknown> }[];
  deletedIds: string[];
  ignoredFields: readonly string[];
  /** Return the ids each action changed (`PageOutcome.ids`). */
  collectIds?: boolean;
}

/** What applyPage would do with a page, by external id (see previewPage). */
export interface PagePreview {
  added: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
}

export interface PageOutcome {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
  /**
   * With `collectIds`: the provider's ids of the records each action changed, from which a record's history is told
   * (see store/event-log.ts).
   */
  ids?: Record<RecordAction, string[]>;
}

/**
 * Pages up to this size are looked up before writing (see applyPage): a lookback re-read is usually a handful of
 * records. Kept well under a provider's page size (HubSpot's is 100), so an initial sync never pays a lookup per record.
 */
const READ_FIRST_MAX_RECORDS = 50;

export type StoredState = Pick<RecordDocument, 'hash' | 'lastAction'>;
const isLive = (state: StoredState | undefined) => state !== undefined && state.lastAction !== 'deleted';
/** New, deleted before, or stored with other content. */
const isChange = (state: StoredState | undefined, hash: string) => !isLive(state) || state?.hash !== hash;
/** Lookups of stored records in flight per page: enough to hide round trips, few enough to leave the pool to others. */
const LOOKUP_CONCURRENCY = 8;

/**
 * The changes feed is read bucket by bucket, FEED_BUCKET_SIZE sequence numbers each, with an equality filter on the
 * bucket. FerretDB 1.24 pushes equality filters down to PostgreSQL but not a range, a sort or a limit: a range query
 * ships every record of the model to FerretDB for each page, a bucket query about one page's worth.
 */
export const FEED_BUCKET_SIZE = 1000;
export const feedBucketOf = (changeSeq: number) => Math.floor(changeSeq / FEED_BUCKET_SIZE);
/** Bounds one read when a stretch of the feed is empty (sequence numbers reserved by records that did not change). */
const MAX_BUCKETS_PER_READ = 20;

/**
 * A record's `_id`. The incarnation is part of it: a slice of a deleted connection still writing (its worker cut off
 * from Temporal, so it never heard the delete) writes beside the records of a connection created again under the same
 * id, never over them.
 */
export const recordKey = (connectionId: string, model: string, externalId: string, incarnation?: string) =>
  `${storageScope({ connectionId, incarnation })}:${model}:${externalId}`;

/**
 * The records of one feed. Equality on `incarnation` hides what a deleted incarnation's late writes left behind
 * (deleting the connection again removes them with the rest).
 */
export const recordsOfFeed = ({ connectionId, model, incarnation }: FeedId): Filter<RecordDocument> =>
  incarnation ? { connectionId, model, incarnation } : { connectionId, model };

/**
 * A bulk-write update of the one record with this `_id`, written as updateMany although it matches one document.
 * FerretDB 1.24 holds a PostgreSQL connection for each updateOne that matched until the whole update command ends:
 * about 50 of them in one bulkWrite exhaust its pool and hang the server for every client, for good. updateMany
 * releases it after each statement; on MongoDB both are the same single-document update through the `_id` index.
 */
function updateById(
  _id: string,
  update: UpdateFilter<RecordDocument>,
  condition: Filter<RecordDocument> = {},
): AnyBulkWriteOperation<RecordDocument> {
  return { updateMany: { filter: { ...condition, _id }, update } };
}

/**
 * A record's place in the feed only ever moves forward. An attempt Temporal has given up on can still be writing (its
 * worker was cut off, not killed) with sequence numbers older than the retry's; were it to move a record back, a
 * reader already past that number would never see the change.
 */
const notMovingBack = (seq: number): Filter<RecordDocument> => ({ changeSeq: { $lt: seq } });

export class RecordRepository {
  readonly collection;
  readonly feeds: ChangeFeedRepository;
  /**
   * Per changes feed, whether most of its last page was already stored: then the next one (a run of changed
   * records, a full resync) is looked up first too, rather than inserted and refused record by record. Only a guess
   * about cost, per process; either path writes the same.
   */
  private readonly lastPageWasStored = new Map<string, boolean>();

  constructor(db: Db) {
    this.collection = db.collection<RecordDocument>(COLLECTIONS.records);
    this.feeds = new ChangeFeedRepository(db);
  }

  /**
   * Writes one page idempotently: applying the same page twice (a retry after a crash) changes nothing the
   * second time, because unchanged content is recognised by its hash and a deleted record stays deleted.
   *
   * A large page is inserted first and only what already existed is looked up: an initial sync (most of the volume)
   * then costs one bulk insert per page and no reads. A small page (a lookback re-read, a trickle of changes), a page
   * the caller marks `likelyStored`, or one following a page that was mostly stored already (remembered per worker
   * process: another worker, or a restarted one, does not know it) is looked up first: a page that changes nothing
   * then writes nothing at all, not even a feed reservation, and stored records are not offered to insertMany only to
   * be refused (FerretDB retries a refused batch one document at a time).
   *
   * Only what changed is then written, one update per record by `_id` in one unordered bulk write: on FerretDB 1.24
   * each is an `_id` equality (served by the dev stack's GIN index), where a `$in` would read the whole model.
   */
  async applyPage(page: PageToApply): Promise<PageOutcome> {
    const { connectionId, model, runId, incarnation } = page;
    const keyOf = (externalId: string) => recordKey(connectionId, model, externalId, incarnation);
    // The last occurrence wins when a page repeats an id (Salesforce can return a row twice across a lookback).
    const upserts = [...new Map(page.upserts.map((u) => [u.externalId, u])).values()];
    const upsertIds = new Set(upserts.map((u) => u.externalId));
    const deletedExternalIds = new Map([...new Set(page.deletedIds.filter((id) => !upsertIds.has(id)))].map((id) => [keyOf(id), id]));
    const deletes = [...deletedExternalIds.keys()];
    const outcome: PageOutcome = { added: 0, updated: 0, deleted: 0, unchanged: 0, ...(page.collectIds ? { ids: { added: [], updated: [], deleted: [] } } : {}) };
    if (upserts.length === 0 && deletes.length === 0) return outcome;

    const now = new Date();
    const incoming = upserts.map(({ externalId, data }) => ({ _id: keyOf(externalId), externalId, data, hash: contentHash(data, page.ignoredFields) }));
    const feed = feedKey(page);
    const large = incoming.length + deletes.length > READ_FIRST_MAX_RECORDS;
    const readFirst = !large || page.likelyStored === true || this.lastPageWasStored.get(feed) === true;
    let stored = readFirst ? await this.storedStates([...incoming.map((record) => record._id), ...deletes]) : null;

    // One sequence number per record that may change: all of a large page (numbers left unused by unchanged records
    // are harmless gaps), only the changes of a page looked up first.
    const mayChange = stored === null ? incoming : incoming.filter((record) => isChange(stored?.get(record._id), record.hash));
    const deleting = stored === null ? deletes : deletes.filter((key) => isLive(stored?.get(key)));
    const reserved = mayChange.length + deleting.length;
    if (stored !== null) this.lastPageWasStored.set(feed, stored.size > incoming.length / 2);
    if (reserved === 0) return this.markSeenOnly(page, incoming.map((record) => record._id), outcome, incoming.length);
    const firstSeq = await this.feeds.reserve(page, reserved);
    const changeFields = (action: RecordAction, seq: number) => ({
      lastAction: action,
      lastModifiedAt: now,
      changeSeq: seq,
      feedBucket: feedBucketOf(seq),
      lastChangeRunId: runId,
      ...(page.seenMark !== null ? { seenByRun: page.seenMark } : {}),
    });

    const candidates: RecordDocument[] = mayChange.map((record, index) => ({
      ...record,
      connectionId,
      ...(incarnation ? { incarnation } : {}),
      model,
      firstSeenAt: now,
      deletedAt: null,
      ...changeFields('added', firstSeq + index),
    }));
    const known = stored;
    const alreadyStored = await this.insertNew(known === null ? candidates : candidates.filter((candidate) => !known.has(candidate._id)));
    // Looked up first: anything found then was not inserted. Inserted first: look up what the insert refused.
    if (stored === null) {
      stored = await this.storedStates([...alreadyStored, ...deletes]);
      this.lastPageWasStored.set(feed, stored.size > incoming.length / 2);
    } else {
      // Inserted by someone else since the lookup (never by this feed's own writer, of which there is one at a time).
      for (const [key, state] of await this.storedStates([...alreadyStored])) stored.set(key, state);
    }

    const operations: AnyBulkWriteOperation<RecordDocument>[] = [];
    const seenOnly: string[] = [];
    for (const candidate of candidates) {
      const before = stored.get(candidate._id);
      if (!before) {
        outcome.added++;
        outcome.ids?.added.push(candidate.externalId);
        continue;
      }
      if (!isChange(before, candidate.hash)) {
        outcome.unchanged++;
        seenOnly.push(candidate._id);
        continue;
      }
      const action: RecordAction = isLive(before) ? 'updated' : 'added';
      outcome[action]++;
      outcome.ids?.[action].push(candidate.externalId);
      operations.push(
        updateById(
          candidate._id,
          { $set: { data: candidate.data, hash: candidate.hash, deletedAt: null, ...changeFields(action, candidate.changeSeq) } },
          notMovingBack(candidate.changeSeq),
        ),
      );
    }
    outcome.unchanged += incoming.length - mayChange.length;
    deleting.forEach((key, index) => {
      // A delete of something never stored, or already deleted, is not news to the app.
      if (!isLive(stored.get(key))) return;
      outcome.deleted++;
      outcome.ids?.deleted.push(deletedExternalIds.get(key) as string);
      const seq = firstSeq + mayChange.length + index;
      operations.push(updateById(key, { $set: { deletedAt: now, ...changeFields('deleted', seq) } }, notMovingBack(seq)));
    });
    if (page.seenMark !== null) {
      const looked = new Set(mayChange);
      const unchangedKeys = [...seenOnly, ...incoming.filter((record) => !looked.has(record)).map((record) => record._id)];
      // One update per record, by `_id` equality: FerretDB 1.24 would answer one `$in` update by reading the whole model.
      for (const _id of unchangedKeys) operations.push(updateById(_id, { $set: { seenByRun: page.seenMark } }));
    }
    if (operations.length > 0) await this.collection.bulkWrite(operations, { ordered: false });
    if (outcome.added + outcome.updated + outcome.deleted > 0) {
      await this.feeds.markVisible(page, firstSeq + reserved - 1);
    }
    return outcome;
  }

  /** A page that changes nothing: a full resync still marks its records as seen; anything else writes nothing. */
  private async markSeenOnly(page: PageToApply, keys: string[], outcome: PageOutcome, unchanged: number): Promise<PageOutcome> {
    const { seenMark } = page;
    if (seenMark !== null && keys.length > 0) {
      await this.collection.bulkWrite(keys.map((_id) => updateById(_id, { $set: { seenByRun: seenMark } })), { ordered: false });
    }
    return { ...outcome, unchanged };
  }

  /**
   * Content hash and last action of the stored records among `keys`: one `_id` equality lookup per key, a few at a
   * time. FerretDB 1.24 pushes an `_id` equality down to PostgreSQL (served by the GIN index the dev stack adds), but
   * not `$in` or `$or`: one `$in` query would read every record of the model however few keys it names, which made a
   * lookback re-read of a handful of records cost seconds at 100k stored. On MongoDB each lookup is an `_id` index hit.
   */
  private async storedStates(keys: string[]) {
    const states = new Map<string, StoredState>();
    let next = 0;
    const lookUp = async () => {
      while (next < keys.length) {
        const doc = await this.collection.findOne({ _id: keys[next++] }, { projection: { hash: 1, lastAction: 1 } });
        if (doc) states.set(doc._id, doc);
      }
    };
    await Promise.all(Array.from({ length: Math.min(LOOKUP_CONCURRENCY, keys.length) }, lookUp));
    return states;
  }

  /** Inserts the documents whose `_id` is new and returns the ids that were already stored. */
  private async insertNew(documents: RecordDocument[]): Promise<Set<string>> {
    const duplicates = new Set<string>();
    if (documents.length === 0) return duplicates;
    try {
      await this.collection.insertMany(documents, { ordered: false });
    } catch (error) {
      const refused = duplicateKeyIndexes(error);
      if (!refused) throw error;
      for (const index of refused) duplicates.add(documents[index]._id);
    }
    return duplicates;
  }

  /**
   * After a complete read of everything that swept (a full resync, a first run): every live record it did not see is
   * gone at the provider.
   * Never called for a failed or partial run, so a half-read account never loses live records.
   */
  async markUnseenAsDeleted(
    feed: FeedId,
    run: { runId: string; seenMark: string },
    batchSize = 1000,
    onBatch?: (externalIds: string[]) => void,
  ): Promise<number> {
    const { runId, seenMark } = run;
    let marked = 0;
    for (;;) {
      const batch = await this.collection
        .find(
          { ...recordsOfFeed(feed), lastAction: { $ne: 'deleted' }, seenByRun: { $ne: seenMark } },
          { projection: { _id: 1, externalId: 1 } },
        )
        .limit(batchSize)
        .toArray();
      if (batch.length === 0) return marked;
      const now = new Date();
      const firstSeq = await this.feeds.reserve(feed, batch.length);
      await this.collection.bulkWrite(
        batch.map((doc, index) =>
          updateById(
            doc._id,
            {
              $set: {
                lastAction: 'deleted',
                deletedAt: now,
                lastModifiedAt: now,
                changeSeq: firstSeq + index,
                feedBucket: feedBucketOf(firstSeq + index),
                lastChangeRunId: runId,
              },
            },
            { lastAction: { $ne: 'deleted' } },
          ),
        ),
        { ordered: false },
      );
      await this.feeds.markVisible(feed, firstSeq + batch.length - 1);
      onBatch?.(batch.map((doc) => doc.externalId));
      marked += batch.length;
    }
  }

  /** Exact, crash-proof outcome of a run: every record remembers the run and action of its last change. */
  async countRunOutcome(runId: string): Promise<Record<RecordAction, number>> {
    const outcome: Record<RecordAction, number> = { added: 0, updated: 0, deleted: 0 };
    for (const action of Object.keys(outcome) as RecordAction[]) {
      outcome[action] = await this.collection.countDocuments({ lastChangeRunId: runId, lastAction: action });
    }
    return outcome;
  }

  /**
   * Reads the changes feed after `afterSeq`, never past what is known to be completely written (`visibleSeq`).
   * `readThrough` is the sequence number up to which the answer holds every matching change: the last record's when
   * the page is full, else the end of what was scanned (a read stops after MAX_BUCKETS_PER_READ buckets, so a long
   * empty stretch costs a few calls rather than one slow one).
   */
  async readChanges(query: FeedId & {
    afterSeq: number;
    limit: number;
    actions?: RecordAction[];
    modifiedAfter?: Date;
    maxBuckets?: number;
  }): Promise<{ records: RecordDocument[]; readThrough: number; visibleSeq: number }> {
    const maxBuckets = query.maxBuckets ?? MAX_BUCKETS_PER_READ;
    const visibleSeq = await this.feeds.visibleSeq(query);
    const records: RecordDocument[] = [];
    let readThrough = query.afterSeq;
    const lastBucket = feedBucketOf(visibleSeq);
    for (let bucket = feedBucketOf(query.afterSeq + 1), scanned = 0; bucket <= lastBucket && scanned < maxBuckets; bucket++, scanned++) {
      const filter: Filter<RecordDocument> = {
        ...recordsOfFeed(query),
        feedBucket: bucket,
        changeSeq: { $gt: query.afterSeq, $lte: visibleSeq },
      };
      if (query.actions) filter.lastAction = { $in: query.actions };
      if (query.modifiedAfter) filter.lastModifiedAt = { $gt: query.modifiedAfter };
      const wanted = query.limit - records.length;
      const found = await this.collection.find(filter).sort({ changeSeq: 1 }).limit(wanted).toArray();
      records.push(...found);
      if (records.length === query.limit) return { records, readThrough: found[found.length - 1].changeSeq, visibleSeq };
      readThrough = Math.min(visibleSeq, (bucket + 1) * FEED_BUCKET_SIZE - 1);
    }
    return { records, readThrough: Math.max(readThrough, query.afterSeq), visibleSeq };
  }

  /** Records stored before the feed had buckets get theirs, so the feed still finds them. Idempotent, cheap when done. */
  async backfillFeedBuckets(batchSize = 1000): Promise<number> {
    let updated = 0;
    for (;;) {
      const batch = await this.collection
        .find({ feedBucket: { $exists: false } }, { projection: { _id: 1, changeSeq: 1 } })
        .limit(batchSize)
        .toArray();
      if (batch.length === 0) return updated;
      await this.collection.bulkWrite(
        batch.map((doc) => updateById(doc._id, { $set: { feedBucket: feedBucketOf(doc.changeSeq) } })),
        { ordered: false },
      );
      updated += batch.length;
    }
  }

  /** A deleted connection's records and changes feeds, of every incarnation it had. */
  async deleteForConnection(connectionId: string, models: string[]): Promise<void> {
    await this.collection.deleteMany({ connectionId });
    for (const key of this.lastPageWasStored.keys()) {
      if (key.startsWith(`${connectionId}:`) || key.startsWith(`${connectionId}~`)) this.lastPageWasStored.delete(key);
    }
    await this.feeds.deleteForConnection(connectionId, models);
  }

  /** One record of a feed by the provider's id (an `_id` lookup), or null. */
  async find(feed: FeedId, externalId: string): Promise<RecordDocument | null> {
    return this.collection.findOne({ _id: recordKey(feed.connectionId, feed.model, externalId, feed.incarnation) });
  }

  async countLive(feed: FeedId): Promise<number> {
    return this.collection.countDocuments({ ...recordsOfFeed(feed), lastAction: { $ne: 'deleted' } });
  }

  /**
   * Read-only: what applyPage would make of `page`, record by record, by the same rules (the last occurrence of an id
   * wins, a delete of an id the page also upserts is ignored, content compared by the same hash, a delete of what is
   * not live is not news), without writing anything. `pending` stands for what earlier pages of the same read would
   * have stored (a real run would have written them): it is consulted before the database and updated with this page.
   */
  async previewPage(page: Pick<PageToApply, 'connectionId' | 'model' | 'incarnation' | 'upserts' | 'deletedIds' | 'ignoredFields'>, pending: Map<string, StoredState>): Promise<PagePreview> {
    const upserts = [...new Map(page.upserts.map((u) => [u.externalId, u])).values()];
    const upsertIds = new Set(upserts.map((u) => u.externalId));
    const deletes = [...new Set(page.deletedIds.filter((id) => !upsertIds.has(id)))];
    const unknown = [...upsertIds, ...deletes].filter((id) => !pending.has(id));
    const stored = await this.storedStates(unknown.map((id) => recordKey(page.connectionId, page.model, id, page.incarnation)));
    const stateOf = (id: string) => (pending.has(id) ? pending.get(id) : stored.get(recordKey(page.connectionId, page.model, id, page.incarnation)));
    const preview: PagePreview = { added: [], updated: [], unchanged: [], deleted: [] };
    for (const { externalId, data } of upserts) {
      const before = stateOf(externalId);
      const hash = contentHash(data, page.ignoredFields);
      if (!isChange(before, hash)) preview.unchanged.push(externalId);
      else preview[isLive(before) ? 'updated' : 'added'].push(externalId);
      pending.set(externalId, { hash, lastAction: isChange(before, hash) ? (isLive(before) ? 'updated' : 'added') : (before as StoredState).lastAction });
    }
    for (const externalId of deletes) {
      const before = stateOf(externalId);
      if (!isLive(before)) continue;
      preview.deleted.push(externalId);
      pending.set(externalId, { hash: (before as StoredState).hash, lastAction: 'deleted' });
    }
    return preview;
  }

  /**
   * Read-only: the live records of `feed` that a complete full resync which saw only `seen` would mark deleted
   * (markUnseenAsDeleted), `pending` standing for what its pages would have stored.
   */
  async previewUnseen(feed: FeedId, seen: ReadonlySet<string>, pending: ReadonlyMap<string, StoredState>): Promise<string[]> {
    const live = await this.collection
      .find({ ...recordsOfFeed(feed), lastAction: { $ne: 'deleted' } }, { projection: { externalId: 1 } })
      .toArray();
    return live.map((doc) => doc.externalId).filter((id) => !seen.has(id) && pending.get(id)?.lastAction !== 'deleted');
  }
}
