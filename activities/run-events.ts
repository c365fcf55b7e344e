// A sync run's events as one slice gathers them (mode, requests, pages, waits, errors, invalid records), held in
// memory and written in batches, so a scheduled run that finds nothing costs the database one write more, not one per event.
import { logEvent, type EventLevel, type LogEventDocument } from '../store/event-log';
import type { InvalidRecordSample, SyncRunDocument } from '../store/sync-runs';
import type { LoggedRequest } from './connection-http';

/** A slice logs at most this many requests (a five-minute slice of a fast provider makes thousands); the rest are counted. */
const MAX_REQUEST_EVENTS_PER_SLICE = 2_000;
/** Invalid records logged one by one per page; the rest are in the page's count and the run's samples. */
const MAX_INVALID_EVENTS_PER_PAGE = 5;

type RunOfEvents = Pick<SyncRunDocument, '_id' | 'connectionId' | 'incarnation' | 'integration' | 'model'>;

/** An event of this run: its ids filled in, its text and data given. */
export function runEvent(
  run: RunOfEvents,
  event: { kind: string; level: EventLevel; message: string; data?: Record<string, unknown>; at?: Date; _id?: string } & Pick<LogEventDocument, 'addedIds' | 'updatedIds' | 'deletedIds'>,
): LogEventDocument {
  return logEvent({
    ...event,
    source: 'run',
    connectionId: run.connectionId,
    ...(run.incarnation ? { incarnation: run.incarnation } : {}),
    integration: run.integration,
    model: run.model,
    runId: run._id,
  });
}

/** The run's mode and why: derived id, so every attempt that may be the first to say it can, and it is stored once. */
export function modeEvent(run: Pick<SyncRunDocument, 'mode' | 'fullReason' | 'startCursor' | 'startedAt'> & RunOfEvents): LogEventDocument {
  const message =
    run.mode === 'full'
      ? `full resync: ${run.fullReason ?? 'requested'}`
      : run.startCursor === null
        ? 'incremental, from the start (no cursor yet)'
        : 'incremental, from the last run\'s cursor';
  return runEvent(run, { _id: `${run._id}:mode`, kind: 'mode', level: 'info', message, at: run.startedAt, data: { mode: run.mode, fullReason: run.fullReason ?? null } });
}

export class SliceEvents {
  private pending: LogEventDocument[] = [];
  private requestsLogged = 0;
  private requestsUnlogged = 0;
  private pageStartedAt = Date.now();

  constructor(
    private readonly run: RunOfEvents,
    /** Temporal's attempt number of this slice: a request it sends is that many minus one retries in. */
    private readonly attempt: number,
  ) {}

  add(event: LogEventDocument): void {
    this.pending.push(event);
  }

  readonly request = (request: LoggedRequest): void => {
    if (this.requestsLogged >= MAX_REQUEST_EVENTS_PER_SLICE) {
      this.requestsUnlogged++;
      return;
    }
    this.requestsLogged++;
    const answer = request.status === null ? `no answer (${request.error ?? 'unknown'})` : String(request.status);
    const level: EventLevel = request.status === null || request.status >= 500 || request.status === 429 ? 'warn' : request.status >= 400 ? 'warn' : 'debug';
    this.add(
      runEvent(this.run, {
        kind: 'request',
        level,
        message: `${request.method} ${request.path} → ${answer} in ${request.ms} ms`,
        data: { method: request.method, path: request.path, status: request.status, ms: request.ms, retries: this.attempt - 1, error: request.error },
      }),
    );
  };

  page(page: { recordsRead: number; requests: number; invalid: InvalidRecordSample[]; ids: { added: string[]; updated: string[]; deleted: string[] }; unchanged: number }): void {
    const { added, updated, deleted } = page.ids;
    const ms = Date.now() - this.pageStartedAt;
    this.pageStartedAt = Date.now();
    this.add(
      runEvent(this.run, {
        kind: 'page',
        level: 'info',
        message: `read ${page.recordsRead} records in ${page.requests} requests: ${added.length} added, ${updated.length} updated, ${deleted.length} deleted (${ms} ms)`,
        data: { recordsRead: page.recordsRead, requests: page.requests, added: added.length, updated: updated.length, deleted: deleted.length, unchanged: page.unchanged, invalid: page.invalid.length, ms },
        ...(added.length > 0 ? { addedIds: added } : {}),
        ...(updated.length > 0 ? { updatedIds: updated } : {}),
        ...(deleted.length > 0 ? { deletedIds: deleted } : {}),
      }),
    );
    for (const sample of page.invalid.slice(0, MAX_INVALID_EVENTS_PER_PAGE)) {
      this.add(
        runEvent(this.run, {
          kind: 'invalid',
          level: 'warn',
          message: `record ${sample.externalId ?? '(no id)'} failed validation, not stored: ${sample.problems.join('; ')}`,
          data: { recordId: sample.externalId, problems: sample.problems },
        }),
      );
    }
  }

  /** The events gathered since the last take, and the count of requests left out, said once. */
  take(): LogEventDocument[] {
    if (this.requestsUnlogged > 0) {
      this.add(runEvent(this.run, { kind: 'request', level: 'info', message: `${this.requestsUnlogged} more requests, not logged one by one`, data: { unlogged: this.requestsUnlogged } }));
      this.requestsUnlogged = 0;
    }
    const taken = this.pending;
    this.pending = [];
    return taken;
  }
}
