// Records every webhook delivery attempt, so operators and apps can see what was sent and what the receiver said.
import type { Db } from 'mongodb';
import { COLLECTIONS } from './database';

export interface WebhookDeliveryAttempt {
  eventId: string;
  type: string;
  connectionId: string;
  /**
   * The life of the connection id the event belongs to (see ConnectionDocument.incarnation): null for the id's first
   * life, absent on attempts recorded before deliveries carried it (those were of the then-current life).
   */
  incarnation?: string | null;
  attempt: number;
  status: number | null;
  error: string | null;
  attemptedAt: Date;
  /** The event as sent (without the connection's metadata, read at each attempt): kept with a first attempt, for redelivery. */
  event?: unknown;
}

/** An event whose latest attempt failed: kept until an attempt succeeds, for the overview's "failing now". */
export interface FailingDelivery {
  _id: string;
  connectionId: string;
  incarnation?: string | null;
  type: string;
  attempt: number;
  status: number | null;
  error: string | null;
  attemptedAt: Date;
}

export class WebhookDeliveryRepository {
  private readonly collection;
  private readonly failing;

  constructor(db: Db) {
    this.collection = db.collection<WebhookDeliveryAttempt>(COLLECTIONS.webhookDeliveries);
    this.failing = db.collection<FailingDelivery>(COLLECTIONS.failingDeliveries);
  }

  /** The latest attempt of `eventId` failed (or, `failed` false, succeeded): what "failing now" lists. */
  async markOutcome(attempt: WebhookDeliveryAttempt, failed: boolean): Promise<void> {
    if (!failed) {
      await this.failing.deleteOne({ _id: attempt.eventId });
      return;
    }
    const { eventId, connectionId, incarnation, type, status, error, attemptedAt } = attempt;
    await this.failing.updateOne(
      { _id: eventId },
      { $set: { connectionId, ...(incarnation !== undefined ? { incarnation } : {}), type, attempt: attempt.attempt, status, error, attemptedAt } },
      { upsert: true },
    );
  }

  /** Events whose latest attempt failed, newest first: a small collection (an event leaves it once delivered). */
  async failingNow(since: Date, limit: number): Promise<{ count: number; recent: FailingDelivery[] }> {
    const all = await this.failing.find({}).toArray();
    const current = all.filter((delivery) => delivery.attemptedAt >= since).sort((a, b) => b.attemptedAt.getTime() - a.attemptedAt.getTime());
    return { count: current.length, recent: current.slice(0, limit) };
  }

  /**
   * The event as first sent, to send again, when an attempt of this life of the connection id kept it (attempts
   * recorded before events were kept did not); `attempted` says whether the event was tried at all.
   */
  async sentEvent(life: { connectionId: string; incarnation?: string }, eventId: string): Promise<{ attempted: boolean; event: unknown }> {
    const attempts = await this.collection.find({ connectionId: life.connectionId, eventId }, { projection: { event: 1, incarnation: 1 } }).toArray();
    // A later life's attempts carry its incarnation; an id's first life's carry null (or nothing, from before lives).
    const ofLife = attempts.filter((attempt) => (life.incarnation ? attempt.incarnation === life.incarnation : typeof attempt.incarnation !== 'string'));
    return { attempted: ofLife.length > 0, event: ofLife.find((attempt) => attempt.event !== undefined)?.event };
  }

  async record(attempt: WebhookDeliveryAttempt): Promise<void> {
    await this.collection.insertOne({ ...attempt });
  }

  /** The events delivery was tried for, once each. */
  async eventIds(connectionIds: string[]): Promise<string[]> {
    return this.collection.distinct('eventId', { connectionId: { $in: connectionIds } });
  }

  async deleteForConnection(connectionId: string): Promise<void> {
    await this.collection.deleteMany({ connectionId });
    await this.failing.deleteMany({ connectionId });
  }

  /** Failing deliveries last attempted before `cutoff`: the log's retention applies to them too. */
  async purgeFailingBefore(cutoff: Date): Promise<number> {
    return (await this.failing.deleteMany({ attemptedAt: { $lt: cutoff } })).deletedCount;
  }

  /**
   * The newest attempts of one life of the connection id: a later life's (`incarnation` set) by equality; an id's first
   * life has no earlier one, so its attempts are all the id's. A bare id lists every life's.
   */
  async forConnection(life: string | { connectionId: string; incarnation?: string }, limit: number): Promise<WebhookDeliveryAttempt[]> {
    const { connectionId, incarnation } = typeof life === 'string' ? { connectionId: life, incarnation: undefined } : life;
    return this.collection
      .find(incarnation ? { connectionId, incarnation } : { connectionId }, { projection: { _id: 0, event: 0 } })
      .sort({ attemptedAt: -1 })
      .limit(limit)
      .toArray();
  }
}
