// Remembers the ids of provider notifications already handled, so a redelivered or replayed one is not acted on twice.
import type { Db } from 'mongodb';
import { duplicateKeyIndexes } from './duplicate-key';
import { COLLECTIONS } from './database';

/**
 * Salesforce retries an Outbound Message for 24 hours and HubSpot a delivery for about as long, and a signed HubSpot
 * delivery stays fresh for 5 minutes: after two days an id can go (the TTL index on `receivedAt` says the same).
 */
export const PROVIDER_NOTIFICATION_RETENTION_MS = 2 * 86_400_000;
/** Deleting expired ids scans the collection on FerretDB: once a minute per process is plenty. */
const PURGE_INTERVAL_MS = 60_000;

interface ProviderNotificationDocument {
  /** `<integration>:<notification id>`. */
  _id: string;
  receivedAt: Date;
}

export class ProviderNotificationRepository {
  private readonly collection;
  private nextPurgeAt = 0;

  constructor(db: Db) {
    this.collection = db.collection<ProviderNotificationDocument>(COLLECTIONS.providerNotifications);
  }

  /**
   * Returns the ids not seen before, and remembers them: one unordered insert for the whole delivery, where a unique
   * _id makes a concurrent or earlier delivery of the same id fail alone (and so count as seen).
   */
  async firstSeen(integration: string, ids: readonly string[], now = new Date()): Promise<string[]> {
    await this.purgeExpired(now);
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    try {
      await this.collection.insertMany(unique.map((id) => ({ _id: `${integration}:${id}`, receivedAt: now })), { ordered: false });
      return unique;
    } catch (error) {
      const refused = duplicateKeyIndexes(error);
      if (!refused) throw error;
      const seen = new Set(refused);
      return unique.filter((_, index) => !seen.has(index));
    }
  }

  /** Lets a delivery that could not be acted on be acted on when the provider sends it again. */
  async forget(integration: string, ids: readonly string[]): Promise<void> {
    if (ids.length === 0) return;
    await this.collection.deleteMany({ _id: { $in: ids.map((id) => `${integration}:${id}`) } });
  }

  /** What the TTL index does on MongoDB, for servers without one (FerretDB); a no-op there otherwise. */
  private async purgeExpired(now: Date): Promise<void> {
    if (now.getTime() < this.nextPurgeAt) return;
    this.nextPurgeAt = now.getTime() + PURGE_INTERVAL_MS;
    await this.collection.deleteMany({ receivedAt: { $lte: new Date(now.getTime() - PROVIDER_NOTIFICATION_RETENTION_MS) } });
  }
}
