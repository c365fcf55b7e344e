// Leases on connection ids, so a create and a delete of one connection never interleave, across API processes too.
import type { Db } from 'mongodb';
import { isDuplicateKey } from './duplicate-key';
import { COLLECTIONS } from './database';

interface LockDocument {
  _id: string;
  holder: string;
  /** A holder that died keeps the lock only this long; FerretDB has no TTL indexes, so expiry is checked here. */
  expiresAt: Date;
}

export class ConnectionLockRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<LockDocument>(COLLECTIONS.connectionLocks);
  }

  /** True when `holder` now holds the lock: it was free, or its last holder's lease ran out. */
  async acquire(connectionId: string, holder: string, leaseMs: number): Promise<boolean> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + leaseMs);
    try {
      await this.collection.insertOne({ _id: connectionId, holder, expiresAt });
      return true;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const taken = await this.collection.findOneAndUpdate(
      { _id: connectionId, expiresAt: { $lt: now } },
      { $set: { holder, expiresAt } },
      { returnDocument: 'after' },
    );
    return taken?.holder === holder;
  }

  async release(connectionId: string, holder: string): Promise<void> {
    await this.collection.deleteOne({ _id: connectionId, holder });
  }
}
