// Stores synced records, one document per (connection, model, external id), and serves them in change order.
import { MongoBulkWriteError, type AnyBulkWriteOperation, type Db } from 'mongodb';
import { ChangeFeedRepository } from './change-feeds';
import { contentHash } from './content-hash';
import { COLLECTIONS } from './database';

export type RecordAction = 'added' | 'updated' | 'deleted';

export interface RecordDocument {
  _id: string;
  connectionId: string;
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
  lastChangeRunId: string;
  /** Set by a full resync on every record it saw, so the ones it did not see can be marked deleted. */
  seenByRun?: string;
}

export interface PageToApply {
  connectionId: string;
  model: string;
  runId: string;
  markSeen: boolean;
  upserts: { externalId: string; data: Record<string, unknown> }[];
  deletedIds: string[];
  ignoredFields: readonly string[];
}

export interface PageOutcome {
  added: number;
  updated: number;
  deleted: number;
  unchanged: number;
}

const DUPLICATE_KEY = 11000;

export const recordKey = (connectionId: string, model: string, externalId: string) =>
  `${connectionId}:${model}:${externalId}`;

export class RecordRepository {
  readonly collection;
  readonly feeds: ChangeFeedRepository;

  constructor(db: Db) {
    this.collection = db.collection<RecordDocument>(COLLECTIONS.records);
    this.feeds = new ChangeFeedRepository(db);
  }

  /**
   * Writes one page idempotently: applying the same page twice (a retry after a crash) changes nothing the
   * second time, because unchanged content is recognised by its hash and a deleted record stays deleted.
   *
   * Insert first, look up only what already exists: an initial sync (most of the volume) then costs one bulk
   * insert per page and no reads. This matters beyond speed on FerretDB, where an `_id` lookup is a scan.
   */
  async applyPage(page: PageToApply): Promise<PageOutcome> {
    const { connectionId, model, runId } = page;
    const keyOf = (externalId: string) => recordKey(connectionId, model, externalId);
    // The last occurrence wins when a page repeats an id (Salesforce can return a row twice across a lookback).
    const upserts = [...new Map(page.upserts.map((u) => [u.externalId, u])).values()];
    const upsertIds = new Set(upserts.map((u) => u.externalId));
    const deletes = [...new Set(page.deletedIds.filter((id) => !upsertIds.has(id)))];
    const outcome: PageOutcome = { added: 0, updated: 0, deleted: 0, unchanged: 0 };
    if (upserts.length === 0 && deletes.length === 0) return outcome;

    const now = new Date();
    // One sequence number per record in the page; numbers left unused by unchanged records are harmless gaps.
    const firstSeq = await this.feeds.reserve(connectionId, model, upserts.length + deletes.length);
    const changeFields = (action: RecordAction, seq: number) => ({
      lastAction: action,
      lastModifiedAt: now,
      changeSeq: seq,
      lastChangeRunId: runId,
      ...(page.markSeen ? { seenByRun: runId } : {}),
    });

    const candidates = upserts.map(({ externalId, data }, index) => ({
      _id: keyOf(externalId),
      connectionId,
      model,
      externalId,
      data,
      hash: contentHash(data, page.ignoredFields),
      firstSeenAt: now,
      deletedAt: null,
      ...changeFields('added', firstSeq + index),
    }));
    const alreadyStored = await this.insertNew(candidates);
    outcome.added = candidates.length - alreadyStored.size;

    const existingKeys = [...alreadyStored, ...deletes.map(keyOf)];
    const existing = new Map<string, { hash: string; lastAction: RecordAction }>();
    if (existingKeys.length > 0) {
      const found = this.collection.find({ _id: { $in: existingKeys } }, { projection: { hash: 1, lastAction: 1 } });
      for await (const doc of found) existing.set(doc._id, doc);
    }

    const operations: AnyBulkWriteOperation<RecordDocument>[] = [];
    const seenOnly: string[] = [];
    for (const candidate of candidates) {
      if (!alreadyStored.has(candidate._id)) continue;
      const before = existing.get(candidate._id);
      const wasLive = before !== undefined && before.lastAction !== 'deleted';
      if (wasLive && before.hash === candidate.hash) {
        outcome.unchanged++;
        seenOnly.push(candidate._id);
        continue;
      }
      const action: RecordAction = wasLive ? 'updated' : 'added';
      outcome[action]++;
      operations.push({
        updateOne: {
          filter: { _id: candidate._id },
          update: { $set: { data: candidate.data, hash: candidate.hash, deletedAt: null, ...changeFields(action, candidate.changeSeq) } },
        },
      });
    }
    deletes.forEach((externalId, index) => {
      const before = existing.get(keyOf(externalId));
      // A delete of something never stored, or already deleted, is not news to the app.
      if (!before || before.lastAction === 'deleted') return;
      outcome.deleted++;
      const seq = firstSeq + upserts.length + index;
      operations.push({
        updateOne: { filter: { _id: keyOf(externalId) }, update: { $set: { deletedAt: now, ...changeFields('deleted', seq) } } },
      });
    });
    if (page.markSeen && seenOnly.length > 0) {
      operations.push({ updateMany: { filter: { _id: { $in: seenOnly } }, update: { $set: { seenByRun: runId } } } });
    }
    if (operations.length > 0) await this.collection.bulkWrite(operations, { ordered: false });
    if (outcome.added + outcome.updated + outcome.deleted > 0) {
      await this.feeds.markVisible(connectionId, model, firstSeq + upserts.length + deletes.length - 1);
    }
    return outcome;
  }

  /** Inserts the documents whose `_id` is new and returns the ids that were already stored. */
  private async insertNew(documents: RecordDocument[]): Promise<Set<string>> {
    const duplicates = new Set<string>();
    if (documents.length === 0) return duplicates;
    try {
      await this.collection.insertMany(documents, { ordered: false });
    } catch (error) {
      if (!(error instanceof MongoBulkWriteError)) throw error;
      const writeErrors = Array.isArray(error.writeErrors) ? error.writeErrors : [error.writeErrors];
      for (const writeError of writeErrors) {
        if (writeError.code !== DUPLICATE_KEY) throw error;
        duplicates.add(documents[writeError.index]._id);
      }
    }
    return duplicates;
  }

  /**
   * After a complete full resync: every live record the run did not see is gone at the provider.
   * Never called for a failed or partial run, so a half-read account never loses live records.
   */
  async markUnseenAsDeleted(connectionId: string, model: string, runId: string, batchSize = 1000): Promise<number> {
    let marked = 0;
    for (;;) {
      const batch = await this.collection
        .find(
          { connectionId, model, lastAction: { $ne: 'deleted' }, seenByRun: { $ne: runId } },
          { projection: { _id: 1 } },
        )
        .limit(batchSize)
        .toArray();
      if (batch.length === 0) return marked;
      const now = new Date();
      const firstSeq = await this.feeds.reserve(connectionId, model, batch.length);
      await this.collection.bulkWrite(
        batch.map((doc, index) => ({
          updateOne: {
            filter: { _id: doc._id, lastAction: { $ne: 'deleted' as const } },
            update: {
              $set: {
                lastAction: 'deleted' as const,
                deletedAt: now,
                lastModifiedAt: now,
                changeSeq: firstSeq + index,
                lastChangeRunId: runId,
              },
            },
          },
        })),
        { ordered: false },
      );
      await this.feeds.markVisible(connectionId, model, firstSeq + batch.length - 1);
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

  /** Reads the changes feed after `afterSeq`, never past what is known to be completely written. */
  async readChanges(query: {
    connectionId: string;
    model: string;
    afterSeq: number;
    limit: number;
    actions?: RecordAction[];
    modifiedAfter?: Date;
  }): Promise<{ records: RecordDocument[]; visibleSeq: number }> {
    const visibleSeq = await this.feeds.visibleSeq(query.connectionId, query.model);
    const filter: Record<string, unknown> = {
      connectionId: query.connectionId,
      model: query.model,
      changeSeq: { $gt: query.afterSeq, $lte: visibleSeq },
    };
    if (query.actions) filter.lastAction = { $in: query.actions };
    if (query.modifiedAfter) filter.lastModifiedAt = { $gt: query.modifiedAfter };
    const records = await this.collection.find(filter).sort({ changeSeq: 1 }).limit(query.limit).toArray();
    return { records, visibleSeq };
  }

  async countLive(connectionId: string, model: string): Promise<number> {
    return this.collection.countDocuments({ connectionId, model, lastAction: { $ne: 'deleted' } });
  }
}
