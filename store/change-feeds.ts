// Hands out change sequence numbers per (connection, model) and tracks how far readers may safely read.
import type { Db } from 'mongodb';
import { COLLECTIONS } from './database';

interface FeedDocument {
  _id: string;
  /** Highest sequence number handed out. */
  seq: number;
  /**
   * Highest sequence number whose write is known to be complete. A batch is written unordered, so
   * seq 105 can be visible before seq 101; readers stop at this mark and never skip over a change.
   */
  visibleSeq: number;
}

export const feedKey = (connectionId: string, model: string) => `${connectionId}:${model}`;

export class ChangeFeedRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<FeedDocument>(COLLECTIONS.feeds);
  }

  /** Reserves `count` consecutive numbers and returns the first. */
  async reserve(connectionId: string, model: string, count: number): Promise<number> {
    const after = await this.collection.findOneAndUpdate(
      { _id: feedKey(connectionId, model) },
      { $inc: { seq: count }, $setOnInsert: { visibleSeq: 0 } },
      { upsert: true, returnDocument: 'after' },
    );
    if (!after) throw new Error('change feed reservation returned nothing');
    return after.seq - count + 1;
  }

  async markVisible(connectionId: string, model: string, upTo: number): Promise<void> {
    await this.collection.updateOne({ _id: feedKey(connectionId, model) }, { $max: { visibleSeq: upTo } });
  }

  /**
   * Only one sync writes a feed at a time, so when a run starts or ends every earlier reservation is either
   * written or abandoned: everything handed out may become visible.
   */
  async publishAll(connectionId: string, model: string): Promise<number> {
    const doc = await this.collection.findOne({ _id: feedKey(connectionId, model) });
    if (!doc) return 0;
    // Usually everything is visible already (a page marks its own changes): then there is nothing to write.
    if (doc.visibleSeq < doc.seq) await this.markVisible(connectionId, model, doc.seq);
    return doc.seq;
  }

  async delete(connectionId: string, models: string[]): Promise<void> {
    await this.collection.deleteMany({ _id: { $in: models.map((model) => feedKey(connectionId, model)) } });
  }

  async visibleSeq(connectionId: string, model: string): Promise<number> {
    const doc = await this.collection.findOne({ _id: feedKey(connectionId, model) });
    return doc?.visibleSeq ?? 0;
  }
}
