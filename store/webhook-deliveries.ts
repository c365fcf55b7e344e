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
}

export class WebhookDeliveryRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<WebhookDeliveryAttempt>(COLLECTIONS.webhookDeliveries);
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
  }

  /**
   * The newest attempts of one life of the connection id: a later life's (`incarnation` set) by equality; an id's first
   * life has no earlier one, so its attempts are all the id's. A bare id lists every life's.
   */
  async forConnection(life: string | { connectionId: string; incarnation?: string }, limit: number): Promise<WebhookDeliveryAttempt[]> {
    const { connectionId, incarnation } = typeof life === 'string' ? { connectionId: life, incarnation: undefined } : life;
    return this.collection
      .find(incarnation ? { connectionId, incarnation } : { connectionId }, { projection: { _id: 0 } })
      .sort({ attemptedAt: -1 })
      .limit(limit)
      .toArray();
  }
}
