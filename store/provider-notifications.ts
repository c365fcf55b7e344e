// Remembers the ids of provider notifications already handled, so a redelivered one (at least once) is not acted on twice.
import { MongoServerError, type Db } from 'mongodb';
import { COLLECTIONS } from './database';

interface ProviderNotificationDocument {
  /** `<integration>:<notification id>`. */
  _id: string;
  receivedAt: Date;
}

export class ProviderNotificationRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<ProviderNotificationDocument>(COLLECTIONS.providerNotifications);
  }

  /** Returns the ids not seen before, and remembers them (a unique _id makes this safe under concurrent deliveries). */
  async firstSeen(integration: string, ids: readonly string[]): Promise<string[]> {
    const fresh: string[] = [];
    const receivedAt = new Date();
    for (const id of new Set(ids)) {
      try {
        await this.collection.insertOne({ _id: `${integration}:${id}`, receivedAt });
        fresh.push(id);
      } catch (error) {
        if (!(error instanceof MongoServerError && error.code === 11000)) throw error;
      }
    }
    return fresh;
  }
}
