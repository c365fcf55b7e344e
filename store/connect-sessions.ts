// Stores connect sessions: the app's permission (by secret key) for one browser to connect one account, once.
import type { Db } from 'mongodb';
import { COLLECTIONS } from './database';

export interface ConnectSessionDocument {
  /** SHA-256 of the connect token; the token itself is only ever in the app's hands and the browser's URL. */
  _id: string;
  integration: string;
  connectionId: string;
  /** Where the browser goes after connecting; null: Tributary's own success page. */
  redirectUrl: string | null;
  /** The app allowed this sign-in to move an existing connection to another provider account. */
  allowAccountChange: boolean;
  /** Connect inputs the app filled in already (checked), shown on the connect screen; absent: none. */
  connectInputs?: Record<string, string>;
  createdAt: Date;
  expiresAt: Date;
  /**
   * A connect token starts one authorization only: `use` deletes its session. Releases before that marked a used
   * session here instead, so those stay refused.
   */
  usedAt?: Date | null;
}

export type ConnectSession = Omit<ConnectSessionDocument, '_id'> & { id: string };

export class ConnectSessionRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<ConnectSessionDocument>(COLLECTIONS.connectSessions);
  }

  async create(session: Omit<ConnectSessionDocument, 'usedAt'>): Promise<void> {
    await this.purgeExpired(session.createdAt);
    await this.collection.insertOne(session);
  }

  /** What the TTL index does on MongoDB, for servers without one (FerretDB); a no-op there otherwise. */
  private async purgeExpired(now: Date): Promise<void> {
    await this.collection.deleteMany({ expiresAt: { $lte: now } });
  }

  /** The session when it is unused, unexpired and for exactly this integration and connection; changes nothing. */
  async peek(tokenHash: string, expected: { integration: string; connectionId: string }, now: Date): Promise<ConnectSession | null> {
    const doc = await this.collection.findOne({ _id: tokenHash, integration: expected.integration, connectionId: expected.connectionId, usedAt: null, expiresAt: { $gt: now } });
    if (!doc) return null;
    const { _id, ...rest } = doc;
    return { id: _id, ...rest };
  }

  /**
   * Takes the session and returns it, only when it is unused, unexpired and for exactly this integration and
   * connection; otherwise null (without saying which check failed: the browser learns nothing). Taking it deletes it,
   * and the delete's count decides: FerretDB 1.24 runs a findOneAndUpdate as a read and a replace, so a compare-and-set
   * on `usedAt` let two browsers opening one link at once both through. A session never changes once stored, so what
   * was read is what the one winning delete removed.
   */
  async use(tokenHash: string, expected: { integration: string; connectionId: string }, now: Date): Promise<ConnectSession | null> {
    const session = await this.peek(tokenHash, expected, now);
    if (!session) return null;
    return (await this.collection.deleteOne({ _id: tokenHash })).deletedCount === 1 ? session : null;
  }
}
