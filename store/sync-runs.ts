// Stores sync runs: their durable progress checkpoint, counters, outcome and error, one document per run.
import { MongoServerError, type Db } from 'mongodb';
import type { Checkpoint } from '../sync/checkpoint';
import { COLLECTIONS } from './database';

export type SyncMode = 'incremental' | 'full';
export type SyncRunStatus = 'running' | 'succeeded' | 'failed';

export interface InvalidRecordSample {
  externalId: string | null;
  problems: string[];
}

export interface SyncRunDocument {
  _id: string;
  connectionId: string;
  integration: string;
  provider: string;
  model: string;
  mode: SyncMode;
  status: SyncRunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  /** The committed cursor this run started from (null for a full resync or a first sync). */
  startCursor: Checkpoint | null;
  /** Progress inside the run: where a resumed attempt continues reading. */
  checkpoint: Checkpoint | null;
  feedSeqAtStart: number;
  feedSeqAtEnd: number | null;
  pages: number;
  recordsRead: number;
  invalidRecords: number;
  invalidSamples: InvalidRecordSample[];
  providerRequests: number;
  attempts: number;
  outcome: { added: number; updated: number; deleted: number } | null;
  error: { code: string; message: string } | null;
}

export type SyncRun = Omit<SyncRunDocument, '_id'> & { runId: string };

const MAX_INVALID_SAMPLES = 20;

export class SyncRunRepository {
  readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<SyncRunDocument>(COLLECTIONS.syncRuns);
  }

  /** Idempotent: a retried start returns the run that already exists. */
  async begin(
    run: Pick<SyncRunDocument, 'connectionId' | 'integration' | 'provider' | 'model' | 'mode' | 'startCursor' | 'feedSeqAtStart'> & {
      runId: string;
    },
  ): Promise<SyncRunDocument> {
    const { runId, ...fields } = run;
    const doc: SyncRunDocument = {
      _id: runId,
      ...fields,
      status: 'running',
      startedAt: new Date(),
      finishedAt: null,
      checkpoint: fields.startCursor,
      feedSeqAtEnd: null,
      pages: 0,
      recordsRead: 0,
      invalidRecords: 0,
      invalidSamples: [],
      providerRequests: 0,
      attempts: 0,
      outcome: null,
      error: null,
    };
    try {
      await this.collection.insertOne(doc);
      return doc;
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) return this.require(runId);
      throw error;
    }
  }

  async require(runId: string): Promise<SyncRunDocument> {
    const doc = await this.collection.findOne({ _id: runId });
    if (!doc) throw new Error(`sync run ${runId} does not exist`);
    return doc;
  }

  async find(runId: string): Promise<SyncRun | null> {
    const doc = await this.collection.findOne({ _id: runId });
    return doc ? toSyncRun(doc) : null;
  }

  async recordAttempt(runId: string): Promise<void> {
    await this.collection.updateOne({ _id: runId }, { $inc: { attempts: 1 } });
  }

  /** The durable checkpoint: written only after the page's records are stored. */
  async recordPage(
    runId: string,
    page: { checkpoint: Checkpoint | null; recordsRead: number; providerRequests: number; invalid: InvalidRecordSample[] },
  ): Promise<void> {
    const update: Record<string, unknown> = {
      $set: { checkpoint: page.checkpoint },
      $inc: { pages: 1, recordsRead: page.recordsRead, providerRequests: page.providerRequests, invalidRecords: page.invalid.length },
    };
    if (page.invalid.length > 0) {
      update.$push = { invalidSamples: { $each: page.invalid, $slice: MAX_INVALID_SAMPLES } };
    }
    await this.collection.updateOne({ _id: runId }, update);
  }

  async addProviderRequests(runId: string, count: number): Promise<void> {
    if (count > 0) await this.collection.updateOne({ _id: runId }, { $inc: { providerRequests: count } });
  }

  async succeed(runId: string, outcome: SyncRunDocument['outcome'], feedSeqAtEnd: number): Promise<SyncRunDocument> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: runId, status: 'running' },
      { $set: { status: 'succeeded', finishedAt: new Date(), outcome, feedSeqAtEnd } },
      { returnDocument: 'after' },
    );
    return doc ?? this.require(runId);
  }

  async fail(runId: string, error: { code: string; message: string }): Promise<void> {
    await this.collection.updateOne(
      { _id: runId, status: 'running' },
      { $set: { status: 'failed', finishedAt: new Date(), error } },
    );
  }

  async latestPerModel(connectionId: string, models: string[]): Promise<Record<string, SyncRun | null>> {
    const result: Record<string, SyncRun | null> = {};
    for (const model of models) {
      const doc = await this.collection.find({ connectionId, model }).sort({ startedAt: -1 }).limit(1).next();
      result[model] = doc ? toSyncRun(doc) : null;
    }
    return result;
  }

  async list(connectionId: string, options: { model?: string; before?: Date; limit: number }): Promise<SyncRun[]> {
    const filter: Record<string, unknown> = { connectionId };
    if (options.model) filter.model = options.model;
    if (options.before) filter.startedAt = { $lt: options.before };
    const docs = await this.collection.find(filter).sort({ startedAt: -1 }).limit(options.limit).toArray();
    return docs.map(toSyncRun);
  }
}

export function toSyncRun(doc: SyncRunDocument): SyncRun {
  const { _id, ...rest } = doc;
  return { runId: _id, ...rest };
}
