// Hands out change sequence numbers per (connection incarnation, model) and tracks how far readers may safely read.
import type { Db } from 'mongodb';
import type { FeedId } from '../contracts/change-cursor';
import { COLLECTIONS } from './database';

export type { FeedId } from '../contracts/change-cursor';

interface FeedDocument {
  _id: string;
  /** Every incarnation's feeds, so deleting a connection finds them all (absent on feeds created before). */
  connectionId?: string;
  /** Highest sequence number handed out. */
  seq: number;
  /**
   * Highest sequence number whose write is known to be complete. A batch is written unordered, so
   * seq 105 can be visible before seq 101; readers stop at this mark and never skip over a change.
   */
  visibleSeq: number;
}

/**
 * Where one incarnation of a connection keeps its records and feeds. A connection created before incarnations
 * existed keeps its plain id, so its stored records and feeds stay where they are. Connection ids never contain `~`.
 */
export const storageScope = ({ connectionId, incarnation }: Pick<FeedId, 'connectionId' | 'incarnation'>) =>
  incarnation ? `${connectionId}~${incarnation}` : connectionId;

export const feedKey = (feed: FeedId) => `${storageScope(feed)}:${feed.model}`;

export class ChangeFeedRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<FeedDocument>(COLLECTIONS.feeds);
  }

  /** Reserves `count` consecutive numbers and returns the first. */
  async reserve(feed: FeedId, count: number): Promise<number> {
    const after = await this.collection.findOneAndUpdate(
      { _id: feedKey(feed) },
      { $inc: { seq: count }, $setOnInsert: { visibleSeq: 0, connectionId: feed.connectionId } },
      { upsert: true, returnDocument: 'after' },
    );
    if (!after) throw new Error('change feed reservation returned nothing');
    return after.seq - count + 1;
  }

  async markVisible(feed: FeedId, upTo: number): Promise<void> {
    await this.collection.updateOne({ _id: feedKey(feed) }, { $max: { visibleSeq: upTo } });
  }

  /**
   * Only one sync writes a feed at a time, so when a run starts or ends every earlier reservation is either
   * written or abandoned: everything handed out may become visible.
   */
  async publishAll(feed: FeedId): Promise<number> {
    const doc = await this.collection.findOne({ _id: feedKey(feed) });
    if (!doc) return 0;
    // Usually everything is visible already (a page marks its own changes): then there is nothing to write.
    if (doc.visibleSeq < doc.seq) await this.markVisible(feed, doc.seq);
    return doc.seq;
  }

  /** Every feed of the connection id, of every incarnation. */
  async deleteForConnection(connectionId: string, models: string[]): Promise<void> {
    await this.collection.deleteMany({ _id: { $in: models.map((model) => feedKey({ connectionId, model })) } });
    await this.collection.deleteMany({ connectionId });
  }

  async visibleSeq(feed: FeedId): Promise<number> {
    const doc = await this.collection.findOne({ _id: feedKey(feed) });
    return doc?.visibleSeq ?? 0;
  }
}
