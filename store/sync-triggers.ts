// Per-connection debounce state for syncs triggered by provider notifications: one signal per window, not per event.
import type { Db } from 'mongodb';
import { isDuplicateKey } from './duplicate-key';
import { COLLECTIONS } from './database';

interface SyncTriggerDocument {
  _id: string;
  /** Until then, notifications only mark `pending`; the process that opened the window signals again at its end. */
  windowEndsAt: Date;
  pending: boolean;
  pendingModels: string[];
  /** Windows in a row that ended with changes pending: each next window is twice as long, up to a cap. */
  streak?: number;
}

/**
 * Atomic conditional updates only (no transactions): of many API processes receiving a burst at once, exactly one
 * opens each window and signals; the rest record that more changes came, for the window's trailing signal.
 */
export class SyncTriggerRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<SyncTriggerDocument>(COLLECTIONS.syncTriggers);
  }

  /**
   * The new window's length when this caller opened it and must signal now; null when a window is open and the models are remembered as pending.
   * A window opened soon after the last one ended (a burst with gaps) continues its doubling instead of starting over.
   */
  async openWindowOrMarkPending(connectionId: string, models: string[], windowMs: number, maxWindowMs: number, now = new Date()): Promise<number | null> {
    try {
      await this.collection.insertOne({ _id: connectionId, windowEndsAt: new Date(0), pending: false, pendingModels: [], streak: 0 });
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const current = await this.collection.findOne({ _id: connectionId });
    if (current && current.windowEndsAt.getTime() <= now.getTime()) {
      const previousStreak = current.streak ?? 0;
      const streak = now.getTime() - current.windowEndsAt.getTime() < maxWindowMs ? previousStreak + 1 : 0;
      const lengthMs = Math.min(windowMs * 2 ** streak, maxWindowMs);
      const opened = await this.collection.updateOne(
        { _id: connectionId, windowEndsAt: { $lte: now }, streak: previousStreak },
        { $set: { windowEndsAt: new Date(now.getTime() + lengthMs), pending: false, pendingModels: [], streak } },
      );
      if (opened.modifiedCount === 1) return lengthMs;
    }
    await this.collection.updateOne({ _id: connectionId }, { $set: { pending: true }, $addToSet: { pendingModels: { $each: models } } });
    return null;
  }

  /**
   * At a window's end: if changes came during it, opens the next window, twice as long as the last (a long burst
   * costs a logarithmic number of signals, never more than one per `maxWindowMs`), and returns their models to
   * signal; null when none came (the burst is over).
   */
  async takePending(connectionId: string, windowMs: number, maxWindowMs: number, now = new Date()): Promise<{ models: string[]; nextWindowMs: number } | null> {
    // Taking `pending` is the atomic step: of two processes at the same window end, only one gets the changes.
    const before = await this.collection.findOneAndUpdate(
      { _id: connectionId, pending: true },
      { $set: { pending: false, pendingModels: [] }, $inc: { streak: 1 } },
      { returnDocument: 'before' },
    );
    if (!before) return null;
    const nextWindowMs = Math.min(windowMs * 2 ** ((before.streak ?? 0) + 1), maxWindowMs);
    await this.collection.updateOne({ _id: connectionId }, { $set: { windowEndsAt: new Date(now.getTime() + nextWindowMs) } });
    return { models: before.pendingModels, nextWindowMs };
  }

  async deleteForConnection(connectionId: string): Promise<void> {
    await this.collection.deleteOne({ _id: connectionId });
  }
}
