// Stores sync runs: their durable progress checkpoint, counters, outcome and error, one document per run.
import type { Db } from 'mongodb';
import { randomUUID } from 'node:crypto';
import { isDuplicateKey } from './duplicate-key';
import type { Checkpoint } from '../sync/checkpoint';
import { COLLECTIONS } from './database';
import type { LogEventDocument } from './event-log';

import type { SyncMode } from '../contracts/sync-mode';

export type { SyncMode };
export type SyncRunStatus = 'running' | 'succeeded' | 'failed';
export type RunChanges = { added: number; updated: number; deleted: number };

export interface InvalidRecordSample {
  externalId: string | null;
  problems: string[];
}

/** One line of a run's activity log: what it did or waited for, and why. */
export interface RunLogEntry {
  at: Date;
  kind: 'fields' | 'page' | 'invalid' | 'retry' | 'wait' | 'failed' | 'mode' | 'note';
  message: string;
}

/** A run's log keeps its first entries: bounded whatever the run's length (its error says how it ended). */
export const MAX_RUN_LOG_ENTRIES = 100;

/** A `$push` of one log entry, capped (a positive `$slice`, which FerretDB 1.24 and MongoDB both honour). */
function logPush(...entries: Omit<RunLogEntry, 'at'>[]) {
  const at = new Date();
  return { log: { $each: entries.map((entry) => ({ at, ...entry })), $slice: MAX_RUN_LOG_ENTRIES } };
}

export interface SyncRunDocument {
  _id: string;
  connectionId: string;
  /** The connection's life the run began in (see FeedId): its pages are written there. Absent before incarnations. */
  incarnation?: string;
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
  /** Times the run stopped to wait for the provider's rate limit (each a workflow timer). */
  rateLimitWaits: number;
  attempts: number;
  /** Slice attempts that returned normally; fewer than `attempts` means one may have stopped mid-page. */
  slicesEnded: number;
  /** Changes counted page by page as they are stored: the run's live progress, and its outcome if no page repeated. */
  changes: RunChanges;
  /** Set when an attempt stopped abnormally, so a page may have been applied twice and `changes` undercounts. */
  recountNeeded: boolean;
  outcome: RunChanges | null;
  error: { code: string; message: string } | null;
  /** Fields the sync wanted that the customer's account does not have or hides from the integration user. */
  missingFields?: string[];
  /** What the run read with: the sync's version and the integration's extra fields (see `syncVersionOf`). */
  syncVersion?: string;
  /** A full resync or a first sync: it read everything, so its records all have `syncVersion`'s shape. */
  readsEverything?: boolean;
  /**
   * The read of everything in progress, restarted each time it starts again from no checkpoint (an attempt that died
   * after storing a page but before checkpointing it): records only an earlier, abandoned read stored are not seen by
   * this one, so a record deleted at the provider meanwhile is marked deleted at the end instead of staying live.
   * Absent on runs begun before sweeps (they mark with their run id, as a full resync always did).
   */
  sweep?: string;
  /** Why a run asked for as incremental became a full resync (a new sync version, new fields); null otherwise. */
  fullReason?: string | null;
  /** A short story of the run, at most MAX_RUN_LOG_ENTRIES entries. */
  log?: RunLogEntry[];
  /**
   * The last slice's events not yet in the event log: carried by the slice's closing write and moved to the log by
   * the run's end (or the next slice), so a run that finds nothing writes its events once, with its end.
   */
  pendingEvents?: LogEventDocument[];
}

export type SyncRun = Omit<SyncRunDocument, '_id'> & { runId: string };

/** One life of a connection id (see ConnectionDocument.incarnation): what run reads are limited to. */
export interface ConnectionLife {
  connectionId: string;
  incarnation?: string;
}

/**
 * The runs of one life. Equality on `incarnation` hides what a deleted life's late writes left; an id's first life has
 * none (no life came before it), so its runs keep the plain filter every earlier release wrote them under.
 */
const runsOfLife = ({ connectionId, incarnation }: ConnectionLife) => (incarnation ? { connectionId, incarnation } : { connectionId });

/** Whether a run belongs to this life of the connection id. */
export const isRunOfLife = (run: Pick<SyncRun, 'connectionId' | 'incarnation'>, life: ConnectionLife): boolean =>
  run.connectionId === life.connectionId && (!life.incarnation || run.incarnation === life.incarnation);

const MAX_INVALID_SAMPLES = 20;

/** What runs stored before sync versions existed read with. */
export const LEGACY_SYNC_VERSION = '1';

export class SyncRunRepository {
  readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<SyncRunDocument>(COLLECTIONS.syncRuns);
  }

  /** Idempotent: a retried start returns the run that already exists. */
  async begin(
    run: Pick<SyncRunDocument, 'connectionId' | 'incarnation' | 'integration' | 'provider' | 'model' | 'mode' | 'startCursor' | 'feedSeqAtStart'> & {
      runId: string;
      fullReason?: string | null;
      syncVersion?: string;
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
      rateLimitWaits: 0,
      attempts: 0,
      slicesEnded: 0,
      changes: { added: 0, updated: 0, deleted: 0 },
      recountNeeded: false,
      outcome: null,
      error: null,
      missingFields: [],
      fullReason: fields.fullReason ?? null,
      readsEverything: fields.mode === 'full' || fields.startCursor === null,
      log: fields.fullReason ? [{ at: new Date(), kind: 'mode', message: `full resync: ${fields.fullReason}` }] : [],
    };
    try {
      await this.collection.insertOne(doc);
      return doc;
    } catch (error) {
      if (isDuplicateKey(error)) return this.require(runId);
      throw error;
    }
  }

  /**
   * The sync version the model's records last all got: that of its latest successful full or first sync. Runs from
   * before versions existed count as version 1 without extra fields; none at all means the first sync is to come.
   */
  async lastCompleteVersion(life: ConnectionLife, model: string): Promise<string | null> {
    // Of this life only: a deleted life's (or another account's) last complete read says nothing of this one's records.
    const ofLife = runsOfLife(life);
    const [latest] = await this.collection
      .find({ ...ofLife, model, status: 'succeeded', readsEverything: true }, { projection: { syncVersion: 1 } })
      .sort({ startedAt: -1 })
      .limit(1)
      .toArray();
    if (latest) return latest.syncVersion ?? LEGACY_SYNC_VERSION;
    const any = await this.collection.countDocuments({ ...ofLife, model, status: 'succeeded' }, { limit: 1 });
    return any > 0 ? LEGACY_SYNC_VERSION : null;
  }

  /** When the model's latest successful run that read everything (a full or a first sync) began; null if none did. */
  async lastCompleteReadAt(connectionId: string, model: string): Promise<Date | null> {
    const [latest] = await this.collection
      .find({ connectionId, model, status: 'succeeded', readsEverything: true }, { projection: { startedAt: 1 } })
      .sort({ startedAt: -1 })
      .limit(1)
      .toArray();
    return latest?.startedAt ?? null;
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

  /**
   * Counts a slice attempt. If an earlier attempt did not end normally, it may have stored a page without
   * checkpointing it; that page is applied again, finds its records unchanged and counts nothing, so the
   * page-by-page `changes` can no longer be trusted as the outcome.
   */
  async beginSlice(run: SyncRunDocument, { pendingEventsStored = false }: { pendingEventsStored?: boolean } = {}): Promise<void> {
    const interrupted = run.attempts > run.slicesEnded;
    await this.collection.updateOne(
      { _id: run._id },
      { $inc: { attempts: 1 }, ...(interrupted ? { $set: { recountNeeded: true } } : {}), ...(pendingEventsStored ? { $unset: { pendingEvents: '' } } : {}) },
    );
  }

  /** A slice ended normally; its last events ride along (see `pendingEvents`). */
  async endSlice(runId: string, pendingEvents: readonly LogEventDocument[] = []): Promise<void> {
    await this.collection.updateOne(
      { _id: runId },
      { $inc: { slicesEnded: 1 }, ...(pendingEvents.length > 0 ? { $push: { pendingEvents: { $each: [...pendingEvents] } } } : {}) },
    );
  }

  /** The durable checkpoint: written only after the page's records are stored, with what the page changed. */
  async recordPage(
    runId: string,
    page: { checkpoint: Checkpoint | null; recordsRead: number; providerRequests: number; invalid: InvalidRecordSample[]; changes: RunChanges; note?: string },
  ): Promise<void> {
    const update: Record<string, unknown> = {
      $set: { checkpoint: page.checkpoint },
      $inc: {
        pages: 1,
        recordsRead: page.recordsRead,
        providerRequests: page.providerRequests,
        invalidRecords: page.invalid.length,
        'changes.added': page.changes.added,
        'changes.updated': page.changes.updated,
        'changes.deleted': page.changes.deleted,
      },
    };
    const { added, updated, deleted } = page.changes;
    const story = `read ${page.recordsRead} records in ${page.providerRequests} requests: ${added} added, ${updated} updated, ${deleted} deleted`;
    const [firstInvalid] = page.invalid;
    const invalidStory = firstInvalid
      ? [{ kind: 'invalid' as const, message: `${page.invalid.length} records failed validation, not stored; first: ${firstInvalid.externalId ?? '(no id)'}: ${firstInvalid.problems.join('; ')}` }]
      : [];
    update.$push = {
      ...logPush({ kind: 'page', message: story }, ...invalidStory, ...(page.note ? [{ kind: 'note' as const, message: page.note }] : [])),
      ...(page.invalid.length > 0 ? { invalidSamples: { $each: page.invalid, $slice: MAX_INVALID_SAMPLES } } : {}),
    };
    await this.collection.updateOne({ _id: runId }, update);
  }

  async recordRateLimitWait(runId: string, reason?: string): Promise<void> {
    await this.collection.updateOne(
      { _id: runId },
      { $inc: { rateLimitWaits: 1 }, ...(reason ? { $push: logPush({ kind: 'wait', message: reason }) } : {}) },
    );
  }

  /** The fields this run could not read; replaced, not added to, since every slice selects them afresh. */
  async recordMissingFields(runId: string, missingFields: string[]): Promise<void> {
    await this.collection.updateOne({ _id: runId }, { $set: { missingFields } });
  }

  /** A read of everything starts (again) from no checkpoint: a new sweep, so only what it sees counts as seen. */
  async startSweep(run: SyncRunDocument): Promise<SyncRunDocument> {
    const sweep = `${run._id}#${randomUUID().slice(0, 8)}`;
    await this.collection.updateOne({ _id: run._id }, { $set: { sweep } });
    return { ...run, sweep };
  }

  /**
   * An incremental run that its sync found can only be right by reading everything (see FullResyncNeeded) becomes a
   * full one, from no checkpoint, saying why. Only a running incremental run changes; the run as it now is comes back.
   */
  async restartAsFull(runId: string, reason: string): Promise<SyncRunDocument> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: runId, status: 'running', mode: 'incremental' },
      {
        $set: { mode: 'full', checkpoint: null, fullReason: reason, readsEverything: true },
        $push: logPush({ kind: 'mode', message: `full resync: ${reason}` }),
      },
      { returnDocument: 'after' },
    );
    return doc ?? this.require(runId);
  }

  async log(runId: string, kind: RunLogEntry['kind'], message: string): Promise<void> {
    await this.collection.updateOne({ _id: runId }, { $push: logPush({ kind, message }) });
  }

  async addProviderRequests(runId: string, count: number): Promise<void> {
    if (count > 0) await this.collection.updateOne({ _id: runId }, { $inc: { providerRequests: count } });
  }

  async markRecountNeeded(runId: string): Promise<void> {
    await this.collection.updateOne({ _id: runId }, { $set: { recountNeeded: true } });
  }

  async succeed(runId: string, outcome: RunChanges, feedSeqAtEnd: number): Promise<SyncRunDocument> {
    const doc = await this.collection.findOneAndUpdate(
      { _id: runId, status: 'running' },
      // The caller stored the pending events first.
      { $set: { status: 'succeeded', finishedAt: new Date(), outcome, feedSeqAtEnd }, $unset: { pendingEvents: '' } },
      { returnDocument: 'after' },
    );
    return doc ?? this.require(runId);
  }

  /** What a failed run had stored is still its outcome: the app must hear about those changes too. */
  async fail(runId: string, error: { code: string; message: string }, outcome: RunChanges, feedSeqAtEnd: number): Promise<void> {
    await this.collection.updateOne(
      { _id: runId, status: 'running' },
      { $set: { status: 'failed', finishedAt: new Date(), error, outcome, feedSeqAtEnd }, $unset: { pendingEvents: '' } },
    );
  }

  /**
   * Ends every run of one life of a connection that is still running (the connection moved to another account): a
   * slice still reading finds its run over at its next page and stops. Outcome zero: what they stored belongs to the
   * life that ended, which nobody reads, so nothing is announced. Returns how many were ended.
   */
  async endRunningOfLife(connectionId: string, incarnation: string | undefined, error: { code: string; message: string }): Promise<number> {
    const result = await this.collection.updateMany(
      { connectionId, status: 'running', incarnation: incarnation ?? { $exists: false } },
      { $set: { status: 'failed', finishedAt: new Date(), error, outcome: { added: 0, updated: 0, deleted: 0 } } },
    );
    return result.modifiedCount;
  }

  async deleteForConnection(connectionId: string): Promise<void> {
    await this.collection.deleteMany({ connectionId });
  }

  /** A life's run, or null (also for a run of another life of the same connection id). */
  async findOfLife(runId: string, life: ConnectionLife): Promise<SyncRun | null> {
    const run = await this.find(runId);
    return run && isRunOfLife(run, life) ? run : null;
  }

  /** `life` as a bare connection id: every life's runs (callers that know the connection pass its incarnation). */
  async latestPerModel(life: string | ConnectionLife, models: string[]): Promise<Record<string, SyncRun | null>> {
    const ofLife = runsOfLife(typeof life === 'string' ? { connectionId: life } : life);
    const result: Record<string, SyncRun | null> = {};
    for (const model of models) {
      const doc = await this.collection.find({ ...ofLife, model }).sort({ startedAt: -1 }).limit(1).next();
      result[model] = doc ? toSyncRun(doc) : null;
    }
    return result;
  }

  async list(life: ConnectionLife, options: { model?: string; before?: Date; limit: number }): Promise<SyncRun[]> {
    const filter: Record<string, unknown> = runsOfLife(life);
    if (options.model) filter.model = options.model;
    if (options.before) filter.startedAt = { $lt: options.before };
    const docs = await this.collection.find(filter).sort({ startedAt: -1 }).limit(options.limit).toArray();
    return docs.map(toSyncRun);
  }
}

/** What a list shows of a model's last finished run, kept on its connection (see ModelSchedule.lastFinishedRun). */
export type RunSummary = Pick<
  SyncRun,
  | 'runId'
  | 'connectionId'
  | 'incarnation'
  | 'model'
  | 'mode'
  | 'status'
  | 'startedAt'
  | 'finishedAt'
  | 'pages'
  | 'recordsRead'
  | 'invalidRecords'
  | 'invalidSamples'
  | 'providerRequests'
  | 'rateLimitWaits'
  | 'attempts'
  | 'changes'
  | 'outcome'
  | 'error'
  | 'missingFields'
  | 'fullReason'
>;

export function summarizeRun(doc: SyncRunDocument): RunSummary {
  return {
    runId: doc._id,
    connectionId: doc.connectionId,
    ...(doc.incarnation ? { incarnation: doc.incarnation } : {}),
    model: doc.model,
    mode: doc.mode,
    status: doc.status,
    startedAt: doc.startedAt,
    finishedAt: doc.finishedAt,
    pages: doc.pages,
    recordsRead: doc.recordsRead,
    invalidRecords: doc.invalidRecords,
    invalidSamples: doc.invalidSamples ?? [],
    providerRequests: doc.providerRequests,
    rateLimitWaits: doc.rateLimitWaits ?? 0,
    attempts: doc.attempts,
    changes: doc.changes,
    outcome: doc.outcome,
    error: doc.error,
    missingFields: doc.missingFields ?? [],
    fullReason: doc.fullReason ?? null,
  };
}

export function toSyncRun(doc: SyncRunDocument): SyncRun {
  const { _id, ...rest } = doc;
  return { runId: _id, ...rest };
}

/**
 * What marks a record seen by the run's read in progress, when the run sweeps: it marks the records it reads as seen,
 * and at its end marks the live records it did not see as deleted. A full resync sweeps (by its sweep, or by its run
 * id when begun before sweeps), and so does any read of everything begun with a sweep (a connection's first run, from
 * no cursor); null for a run that does not.
 */
export const seenMarkOf = (run: Pick<SyncRunDocument, '_id' | 'mode' | 'sweep'>): string | null =>
  run.sweep ?? (run.mode === 'full' ? run._id : null);
