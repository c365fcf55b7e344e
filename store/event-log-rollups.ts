// Stores what the event log is summed into for the overview (runs and records changed per hour) and how far the API's
// housekeeping got (statistics rolled up to a minute, events purged up to an hour): small documents, read whole.
import type { Db } from 'mongodb';
import { COLLECTIONS } from './database';
import { isDuplicateKey } from './duplicate-key';

export interface HourlyRunStats {
  succeeded: number;
  failed: number;
  added: number;
  updated: number;
  deleted: number;
}

interface HourDocument extends HourlyRunStats {
  /** `runs:YYYY-MM-DDTHH`. */
  _id: string;
  type: 'runs-hour';
  hour: string;
}

interface ProgressDocument {
  /** `rolled-through` (a minute, `YYYY-MM-DDTHH:mm`) or `purged-through` (an hour, `YYYY-MM-DDTHH`). */
  _id: string;
  type: 'progress';
  through: string;
}

type RollupDocument = HourDocument | ProgressDocument;

export class EventLogRollupRepository {
  readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<RollupDocument>(COLLECTIONS.eventLogRollups);
  }

  async progress(name: 'rolled-through' | 'purged-through'): Promise<string | null> {
    const doc = (await this.collection.findOne({ _id: name })) as ProgressDocument | null;
    return doc?.through ?? null;
  }

  /**
   * Moves a progress mark from `from` (null: never set) to `to`, only if nobody moved it meanwhile: of several API
   * processes, one rolls each minute up. False when another did.
   */
  async advance(name: 'rolled-through' | 'purged-through', from: string | null, to: string): Promise<boolean> {
    if (from === null) {
      try {
        await this.collection.insertOne({ _id: name, type: 'progress', through: to });
        return true;
      } catch (error) {
        if (isDuplicateKey(error)) return false;
        throw error;
      }
    }
    const result = await this.collection.updateOne({ _id: name, through: from }, { $set: { through: to } });
    return result.modifiedCount === 1;
  }

  /** Adds runs that ended in `hour` (`YYYY-MM-DDTHH`) to its totals. */
  async add(hour: string, stats: HourlyRunStats): Promise<void> {
    await this.collection.updateOne(
      { _id: `runs:${hour}` },
      { $setOnInsert: { type: 'runs-hour', hour }, $inc: { ...stats } },
      { upsert: true },
    );
  }

  /** Every hour's totals kept (the log's retention bounds them: 24 a day), by hour. */
  async hours(): Promise<Map<string, HourlyRunStats>> {
    const docs = (await this.collection.find({ type: 'runs-hour' }).toArray()) as HourDocument[];
    return new Map(docs.map(({ hour, succeeded, failed, added, updated, deleted }) => [hour, { succeeded, failed, added, updated, deleted }]));
  }

  /** Hours before `hour` go, with the events they were summed from. */
  async purgeBefore(hour: string): Promise<number> {
    const docs = (await this.collection.find({ type: 'runs-hour' }, { projection: { hour: 1 } }).toArray()) as HourDocument[];
    const old = docs.filter((doc) => doc.hour < hour).map((doc) => doc._id);
    let removed = 0;
    // By id, one at a time: equality FerretDB pushes down, where a `$in` reads the collection (small either way).
    for (const _id of old) removed += (await this.collection.deleteOne({ _id })).deletedCount;
    return removed;
  }
}
