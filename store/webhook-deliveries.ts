// Records every webhook delivery attempt, so operators and apps can see what was sent and what the receiver said.
import type { Db } from 'mongodb';
import { COLLECTIONS } from './database';

export interface WebhookDeliveryAttempt {
  eventId: string;
  type: string;
  connectionId: string;
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

  async forConnection(connectionId: string, limit: number): Promise<WebhookDeliveryAttempt[]> {
    return this.collection
      .find({ connectionId }, { projection: { _id: 0 } })
      .sort({ attemptedAt: -1 })
      .limit(limit)
      .toArray();
  }
}
