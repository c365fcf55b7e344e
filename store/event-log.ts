// Stores the event log: what runs, actions, webhook deliveries and connections did, one small document per event,
// written in batches and kept for TRIBUTARY_LOG_RETENTION_DAYS. Read by run (a run's timeline), by time window (the
// logs search) and by record id (a record's history).
import { randomBytes } from 'node:crypto';
import type { Db, Filter } from 'mongodb';
import { COLLECTIONS } from './database';
import { isDuplicateKey } from './duplicate-key';

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';
export type EventSource = 'run' | 'action' | 'delivery' | 'connection';

export const EVENT_LEVELS: readonly EventLevel[] = ['debug', 'info', 'warn', 'error'];

export interface LogEventDocument {
  /** Random, or derived where a write may be repeated (a run's mode and end): a repeat then inserts nothing. */
  _id: string;
  /** Orders events: milliseconds × 1000 plus a per-process counter. Within a run its writers take turns, so it only grows. */
  seq: number;
  at: Date;
  /** `YYYY-MM-DDTHH` (UTC): time windows and the retention purge select by equality on it, which FerretDB pushes down. */
  hour: string;
  level: EventLevel;
  kind: string;
  source: EventSource;
  connectionId: string;
  /** The connection's life (see ConnectionDocument.incarnation); absent for an id's first life. */
  incarnation?: string;
  integration: string | null;
  model: string | null;
  runId: string | null;
  actionId: string | null;
  eventId: string | null;
  message: string;
  data: Record<string, unknown>;
  /** A page's changed records by action (provider ids), top-level so a record's history is an equality lookup. */
  addedIds?: string[];
  updatedIds?: string[];
  deletedIds?: string[];
  /** A run's end only: `YYYY-MM-DDTHH:mm`, the bucket the overview's hourly statistics are rolled up from. */
  minute?: string;
}

export type NewLogEvent = Omit<LogEventDocument, '_id' | 'seq' | 'at' | 'hour' | 'minute' | 'integration' | 'model' | 'runId' | 'actionId' | 'eventId' | 'data'> &
  Partial<Pick<LogEventDocument, '_id' | 'at' | 'integration' | 'model' | 'runId' | 'actionId' | 'eventId' | 'data'>>;

export const hourOf = (at: Date): string => at.toISOString().slice(0, 13);
export const minuteOf = (at: Date): string => at.toISOString().slice(0, 16);

let lastMs = 0;
let counter = 0;
/** Unique within a process; across processes, ordered by their clocks (a run's writers follow one another). */
function nextSeq(at: Date): number {
  const ms = Math.max(at.getTime(), lastMs);
  counter = ms === lastMs ? counter + 1 : 0;
  lastMs = counter >= 1000 ? ms + 1 : ms;
  if (counter >= 1000) counter = 0;
  return lastMs * 1000 + counter;
}

/** An event ready to insert (or to keep on a run until it is): ids, order and buckets filled in. */
export function logEvent(input: NewLogEvent): LogEventDocument {
  const at = input.at ?? new Date();
  return {
    integration: null,
    model: null,
    runId: null,
    actionId: null,
    eventId: null,
    data: {},
    ...input,
    message: input.message.length > MAX_MESSAGE_LENGTH ? `${input.message.slice(0, MAX_MESSAGE_LENGTH - 1)}…` : input.message,
    _id: input._id ?? randomBytes(12).toString('hex'),
    seq: nextSeq(at),
    at,
    hour: hourOf(at),
    ...(input.kind === 'finished' && input.source === 'run' ? { minute: minuteOf(at) } : {}),
  };
}

/** Messages are cut here: a provider's error text or a record's problems can be long, and the log is for reading. */
export const MAX_MESSAGE_LENGTH = 1_000;

export interface LogSearch {
  connectionId?: string;
  integration?: string;
  model?: string;
  level?: EventLevel;
  kind?: string;
  /** Newest first from `until` (exclusive) back to `since` (inclusive). */
  since: Date;
  until: Date;
  /** Case-insensitive substring of the message, or exactly a record id a page changed. */
  q?: string;
  /** Only events older than this one (the previous page's last): `seq` then `_id`. */
  before?: { seq: number; id: string };
  limit: number;
}

/** Hour buckets read per search at most: a week's. Beyond, the window is narrowed by `until` and the cursor. */
const MAX_HOURS_PER_SEARCH = 7 * 24 + 1;

export class EventLogRepository {
  readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<LogEventDocument>(COLLECTIONS.eventLog);
  }

  /** One insertMany for the batch; an event already stored (a repeated write) is skipped, not an error. */
  async insert(events: readonly LogEventDocument[]): Promise<void> {
    if (events.length === 0) return;
    try {
      await this.collection.insertMany(events.map((event) => ({ ...event })), { ordered: false });
    } catch (error) {
      if (isDuplicateKey(error)) return;
      throw error;
    }
  }

  /** A run's events after `afterSeq`, oldest first: one equality on the run (its timeline, polled while it runs). */
  async forRun(runId: string, afterSeq: number, limit: number): Promise<LogEventDocument[]> {
    return this.collection.find({ runId, seq: { $gt: afterSeq } }).sort({ seq: 1 }).limit(limit).toArray();
  }

  /**
   * Newest first, hour bucket by hour bucket from `until` back to `since`: each bucket is one query with equalities on
   * the bucket and the filters (pushed down to PostgreSQL on FerretDB, an index range on MongoDB), so a search reads
   * about what it answers, not the whole log.
   */
  async search(search: LogSearch): Promise<{ events: LogEventDocument[]; more: boolean }> {
    const equalities: Filter<LogEventDocument> = {};
    if (search.connectionId) equalities.connectionId = search.connectionId;
    if (search.integration) equalities.integration = search.integration;
    if (search.model) equalities.model = search.model;
    if (search.level) equalities.level = search.level;
    if (search.kind) equalities.kind = search.kind;
    const conditions: Filter<LogEventDocument>[] = [];
    if (search.q) {
      const text = new RegExp(escapeRegExp(search.q), 'i');
      conditions.push({ $or: [{ message: text }, { addedIds: search.q }, { updatedIds: search.q }, { deletedIds: search.q }] });
    }
    if (search.before) {
      const { seq, id } = search.before;
      conditions.push({ $or: [{ seq: { $lt: seq } }, { seq, _id: { $lt: id } }] });
    }
    const events: LogEventDocument[] = [];
    const hours = hoursBetween(search.since, search.until).reverse().slice(0, MAX_HOURS_PER_SEARCH);
    for (const hour of hours) {
      const filter: Filter<LogEventDocument> = { ...equalities, hour, at: { $gte: search.since, $lt: search.until } };
      if (conditions.length > 0) filter.$and = conditions;
      const wanted = search.limit + 1 - events.length;
      const found = await this.collection
        .find(filter, { projection: { addedIds: 0, updatedIds: 0, deletedIds: 0 } })
        .sort({ seq: -1, _id: -1 })
        .limit(wanted)
        .toArray();
      events.push(...found);
      if (events.length > search.limit) return { events: events.slice(0, search.limit), more: true };
    }
    return { events, more: false };
  }

  /**
   * The page events that changed one record of one model of a connection's life, newest first: three equality
   * lookups on the ids pages store per action (served by an index on each list).
   */
  async changesOfRecord(life: { connectionId: string; incarnation?: string }, model: string, externalId: string): Promise<{ action: 'added' | 'updated' | 'deleted'; at: Date; runId: string | null }[]> {
    const base: Filter<LogEventDocument> = { connectionId: life.connectionId, model, ...(life.incarnation ? { incarnation: life.incarnation } : {}) };
    const lists = [
      ['added', 'addedIds'],
      ['updated', 'updatedIds'],
      ['deleted', 'deletedIds'],
    ] as const;
    const found = await Promise.all(
      lists.map(async ([action, field]) => {
        const docs = await this.collection.find({ ...base, [field]: externalId }, { projection: { at: 1, seq: 1, runId: 1, incarnation: 1 } }).toArray();
        // An id's first life has no incarnation: a later life's events (which carry one) are not its.
        return docs.filter((doc) => life.incarnation || doc.incarnation === undefined).map((doc) => ({ action, at: doc.at, runId: doc.runId, seq: doc.seq }));
      }),
    );
    return found
      .flat()
      .sort((a, b) => b.seq - a.seq)
      .map(({ action, at, runId }) => ({ action, at, runId }));
  }

  /** Finished-run events of one minute, for the hourly statistics (see store/run-stats.ts). */
  async runsFinishedIn(minute: string): Promise<LogEventDocument[]> {
    return this.collection.find({ minute }, { projection: { data: 1, at: 1, minute: 1 } }).toArray();
  }

  /**
   * Removes events older than `cutoff`, a whole hour bucket per delete (an equality, cheap on FerretDB, which ignores
   * TTL indexes), from `fromHour` on; the bucket `cutoff` falls in is thinned by time. Returns how many were removed.
   */
  async purgeBefore(cutoff: Date, fromHour: Date): Promise<number> {
    let removed = 0;
    for (const hour of hoursBetween(fromHour, cutoff)) {
      const whole = new Date(`${hour}:00:00.000Z`).getTime() + 3_600_000 <= cutoff.getTime();
      const result = await this.collection.deleteMany(whole ? { hour } : { hour, at: { $lt: cutoff } });
      removed += result.deletedCount;
    }
    return removed;
  }

  async deleteForConnection(connectionId: string): Promise<void> {
    await this.collection.deleteMany({ connectionId });
  }
}

/** The hour buckets from `since`'s to the one before `until`'s end, oldest first. */
export function hoursBetween(since: Date, until: Date): string[] {
  const hours: string[] = [];
  const start = new Date(`${hourOf(since)}:00:00.000Z`).getTime();
  for (let at = start; at < until.getTime(); at += 3_600_000) hours.push(hourOf(new Date(at)));
  return hours;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
