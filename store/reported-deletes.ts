// Deletes a provider's webhooks reported, kept until a run of their model applies them: a provider whose lists never
// show deleted records tells of a delete only so, and the run a webhook starts cannot see it in what it lists.
import type { Db } from 'mongodb';
import type { FeedId } from '../contracts/change-cursor';
import { storageScope } from './change-feeds';
import { COLLECTIONS } from './database';
import { isDuplicateKey } from './duplicate-key';

interface ReportedDeleteDocument {
  /** `<storage scope>:<model>:<external id>`: a redelivered report is the same document. */
  _id: string;
  connectionId: string;
  incarnation?: string;
  model: string;
  externalId: string;
  reportedAt: Date;
}

export interface ReportedDelete {
  key: string;
  externalId: string;
}

export class ReportedDeleteRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<ReportedDeleteDocument>(COLLECTIONS.reportedDeletes);
  }

  /** Idempotent: a report already waiting stays as it was (one unordered insert, repeats refused alone). */
  async add(feed: FeedId, externalIds: readonly string[], now = new Date()): Promise<void> {
    const unique = [...new Set(externalIds)];
    if (unique.length === 0) return;
    const documents = unique.map((externalId) => ({
      _id: keyOf(feed, externalId),
      connectionId: feed.connectionId,
      ...(feed.incarnation ? { incarnation: feed.incarnation } : {}),
      model: feed.model,
      externalId,
      reportedAt: now,
    }));
    try {
      await this.collection.insertMany(documents, { ordered: false });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  /** The oldest reports of a feed made before `before`, at most `limit`. */
  async pending(feed: FeedId, before: Date, limit: number): Promise<ReportedDelete[]> {
    const docs = await this.collection
      .find(
        { connectionId: feed.connectionId, model: feed.model, ...(feed.incarnation ? { incarnation: feed.incarnation } : {}), reportedAt: { $lt: before } },
        { projection: { externalId: 1, reportedAt: 1 } },
      )
      .sort({ reportedAt: 1, _id: 1 })
      .limit(limit)
      .toArray();
    return docs.map((doc) => ({ key: doc._id, externalId: doc.externalId }));
  }

  /** Once applied: one `_id` equality each (FerretDB 1.24 would read the whole collection for a `$in`). */
  async forget(reports: readonly ReportedDelete[]): Promise<void> {
    if (reports.length === 0) return;
    await this.collection.bulkWrite(
      reports.map((report) => ({ deleteOne: { filter: { _id: report.key } } })),
      { ordered: false },
    );
  }

  async deleteForConnection(connectionId: string): Promise<void> {
    await this.collection.deleteMany({ connectionId });
  }
}

function keyOf(feed: FeedId, externalId: string): string {
  return `${storageScope(feed)}:${feed.model}:${externalId}`;
}
