// Leases on keys across processes: one holder at a time for a key, a holder that died replaced once its lease expires.
// Connection updates take one on FerretDB 1.24, which does not serialize them: it runs an update (and a findAndModify)
// as a read, then a replace of the whole document by `_id`, outside any transaction, so two writers of one document
// lose each other's changes and no filter is a compare-and-set. Creates and deletes of a connection take one on every
// server (store.connectionLocks). Only an insert of an `_id` already taken and a delete are decided by the database
// alone on every server, so a lease is taken by the one and given back by the other.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Collection, Db } from 'mongodb';
import { isDuplicateKey } from './duplicate-key';

interface LeaseDocument {
  /** The key of what is written (a connection id); `<key>~<holder>` marks a lease broken after its holder died. */
  _id: string;
  holder: string;
  /** A holder that died mid-write keeps the lease only this long; FerretDB has no TTL indexes, so expiry is checked here. */
  expiresAt: Date;
}

/** Long enough for one write on a loaded database; what a holder that died mid-write costs the next writer, at most. */
const DEFAULT_LEASE_MS = 30_000;
const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

/**
 * Whether the server runs updates as FerretDB 1.x does (its `buildInfo` names its version): MongoDB, and FerretDB 2
 * on DocumentDB, decide an update and its filter in one step, so writers there need no lease.
 */
export async function updatesNeedLeases(db: Db): Promise<boolean> {
  const info = await db.admin().command({ buildInfo: 1 });
  return typeof info.ferretdbVersion === 'string' && /^v?[01]\./.test(info.ferretdbVersion);
}

export class WriteLeases {
  private readonly collection: Collection<LeaseDocument>;
  private serverNeedsThem: Promise<boolean> | null = null;

  constructor(private readonly db: Db, collectionName: string, private readonly leaseMs = DEFAULT_LEASE_MS) {
    this.collection = db.collection<LeaseDocument>(collectionName);
  }

  /** Whether this database needs leases at all; asked once, and taken as needed while the server does not answer. */
  needed(): Promise<boolean> {
    this.serverNeedsThem ??= updatesNeedLeases(this.db).catch(() => {
      this.serverNeedsThem = null;
      return true;
    });
    return this.serverNeedsThem;
  }

  /** Runs `write` exclusively where the server needs it (FerretDB 1.x), directly where updates are atomic already. */
  async whereNeeded<T>(key: string, write: () => Promise<T>): Promise<T> {
    return (await this.needed()) ? this.exclusively(key, write) : write();
  }

  /**
   * Runs `write` while no other `exclusively` of the same key runs, in this process or any other. With `waitAtMost`,
   * a lease not had within `ms` is `busy()` thrown instead, and `write` does not run.
   */
  async exclusively<T>(key: string, write: () => Promise<T>, waitAtMost?: { ms: number; busy: () => Error }): Promise<T> {
    const holder = randomUUID();
    const expiresAt = await this.acquire(key, holder, waitAtMost ? Date.now() + waitAtMost.ms : Infinity);
    if (expiresAt === null) throw waitAtMost!.busy();
    try {
      return await write();
    } finally {
      // Not failed when the database went away meanwhile: the write may have happened, and a caller would retry it.
      // Tried again in the background instead, so the next writer waits for the database, not for the lease to expire.
      if (!(await this.giveBack(key, holder))) void this.giveBackUntil(key, holder, expiresAt);
    }
  }

  private giveBack(key: string, holder: string): Promise<boolean> {
    return this.collection.deleteOne({ _id: key, holder }).then(
      () => true,
      () => false,
    );
  }

  private async giveBackUntil(key: string, holder: string, expiresAt: number): Promise<void> {
    for (let pauseMs = 100; Date.now() + pauseMs < expiresAt; pauseMs = Math.min(pauseMs * 2, 2000)) {
      await sleep(pauseMs);
      if (await this.giveBack(key, holder)) return;
    }
  }

  /** When the lease taken expires; null when it was not had by `deadline`. */
  private async acquire(key: string, holder: string, deadline: number): Promise<number | null> {
    let pauseMs = FIRST_PAUSE_MS;
    for (;;) {
      const now = Date.now();
      if (now > deadline) return null;
      if (await this.tryInsert({ _id: key, holder, expiresAt: new Date(now + this.leaseMs) })) return now + this.leaseMs;
      const current = await this.collection.findOne({ _id: key });
      if (current && current.expiresAt.getTime() <= now && (await this.breakExpired(key, current.holder, now))) continue;
      // Jittered, so writers that met at one lease do not meet again at the next.
      await sleep(pauseMs * (0.5 + Math.random()));
      pauseMs = Math.min(pauseMs * 2, LONGEST_PAUSE_MS);
    }
  }

  /**
   * Of the writers that find one expired lease, only the one that marks it broken first deletes it: a delete by a
   * filter is itself a read then a delete by `_id` on FerretDB, so a second breaker could delete the next lease. The
   * mark stays (one small document per holder that ever died mid-write), unless its breaker died before deleting the
   * lease: then the mark expires too, and the next writer to find it clears it and tries again. True when deleted.
   */
  private async breakExpired(key: string, deadHolder: string, now: number): Promise<boolean> {
    const markId = `${key}~${deadHolder}`;
    if (await this.tryInsert({ _id: markId, holder: deadHolder, expiresAt: new Date(now + this.leaseMs) })) {
      await this.collection.deleteOne({ _id: key, holder: deadHolder });
      return true;
    }
    const mark = await this.collection.findOne({ _id: markId });
    if (mark && mark.expiresAt.getTime() <= now) await this.collection.deleteOne({ _id: markId, expiresAt: mark.expiresAt });
    return false;
  }

  private async tryInsert(lease: LeaseDocument): Promise<boolean> {
    try {
      await this.collection.insertOne(lease);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }
}
