// Stores console sign-ins: by the SHA-256 of the session cookie, with the key's name and scope (never the cookie, never the key).
import type { Db } from 'mongodb';
import type { KeyScope } from '../security/secret-key';
import { COLLECTIONS } from './database';

export interface ConsoleSessionDocument {
  /** SHA-256 (hex) of the cookie's value: the value itself is only ever in the browser. */
  _id: string;
  keyName: string;
  scope: KeyScope;
  createdAt: Date;
  expiresAt: Date;
}

export type ConsoleSession = Omit<ConsoleSessionDocument, '_id'> & { id: string };

export class ConsoleSessionRepository {
  readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<ConsoleSessionDocument>(COLLECTIONS.consoleSessions);
  }

  /** Purges expired sessions first: FerretDB ignores the TTL index MongoDB uses for that. */
  async create(session: ConsoleSessionDocument): Promise<void> {
    await this.purgeExpired(session.createdAt);
    await this.collection.insertOne({ ...session });
  }

  /** The session while it has not expired; null otherwise. */
  async find(id: string, now: Date): Promise<ConsoleSession | null> {
    const doc = await this.collection.findOne({ _id: id });
    if (!doc || doc.expiresAt.getTime() <= now.getTime()) return null;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }

  async delete(id: string): Promise<void> {
    await this.collection.deleteOne({ _id: id });
  }

  /** What the TTL index does on MongoDB, for servers without one (FerretDB); cheap, the collection is small. */
  async purgeExpired(now: Date): Promise<number> {
    return (await this.collection.deleteMany({ expiresAt: { $lte: now } })).deletedCount;
  }
}
