// Activities that run one sync of one model: begin, read and store pages slice by slice, then finish or fail.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  BeginSyncRunInput,
  BeginSyncRunResult,
  FailSyncRunInput,
  FinishSyncRunInput,
  SyncSliceInput,
  SyncSliceResult,
} from '../contracts/activity-messages';
import type { SyncWebhookEvent } from '../contracts/webhook-events';
import { FailureType, type RateLimitedDetails } from '../contracts/failure-types';
import { describeRateLimitWait, namedWaitMs } from '../contracts/provider-waits';
import type { Logger } from 'pino';
import type { ProviderDefinition } from '../providers/provider-definition';
import { ProviderConcurrencyLimits } from '../sync-engine/concurrency-limit';
import { FieldDiscovery } from '../sync-engine/field-discovery';
import { QuotaGuard } from '../sync-engine/quota-guard';
import { decideRunMode, syncVersionOf } from '../sync-engine/sync-version';
import { isFieldError } from '../sync/error-rules';
import { extraFieldsFor, type FieldSelection } from '../sync/fields';
import type { ProviderHttpClient } from '../sync/http-client';
import { FullResyncNeeded, ProviderError } from '../sync/provider-error';
import type { SyncDefinition, SyncPage } from '../sync/sync-definition';
import { validatePage, type ValidRecord } from '../sync/validate-page';
import { seenMarkOf, summarizeRun, type RunChanges, type SyncRunDocument } from '../store/sync-runs';
import type { ActivityDependencies } from './dependencies';
import { openConnectionHttp } from './connection-http';
import { heartbeatWhile } from './heartbeat';
import { toActivityFailure } from './failures';
import { changedAnything, syncEventOfRun } from './sync-run-event';
import { modeEvent, runEvent, SliceEvents } from './run-events';
import type { LogEventDocument } from '../store/event-log';

/** Reported deletes a sync confirms with one provider request: `confirmDeletes` is asked about at most this many. */
const REPORTED_DELETES_BATCH = 100;

export function createSyncRunActivities({ store, catalog, logger, metrics, settings, stopping }: ActivityDependencies) {
  const runLogger = (run: Pick<SyncRunDocument, 'connectionId' | 'model'>, runId: string) =>
    logger.child({ connectionId: run.connectionId, model: run.model, runId });
  /** Shared by every slice this process runs: the limit is per provider per worker, across connections. */
  const concurrency = new ProviderConcurrencyLimits();
  /** Per worker process: which fields each connection's account has, listed again after a while or a refusal. */
  const fieldDiscovery = new FieldDiscovery();

  /**
   * A run's outcome: its page-by-page count, exact unless a page may have been applied twice (an interrupted attempt,
   * or a repeated end activity that already marked deletions); only then pay for a scan of the run's records. Runs
   * stored before page-by-page counting have no `recountNeeded` and are recounted too.
   */
  async function outcomeOf(run: SyncRunDocument, deletedAtEnd: number): Promise<RunChanges> {
    if (run.recountNeeded !== false || Context.current().info.attempt > 1) return store.records.countRunOutcome(run._id);
    return { ...run.changes, deleted: run.changes.deleted + deletedAtEnd };
  }


  /** The connection's authenticated client for this slice (see openConnectionHttp); `requests` counts what it asked. */
  async function openProviderClient(run: SyncRunDocument, progressDetails: () => unknown, events?: SliceEvents) {
    const context = Context.current();
    let count = 0;
    const requests = {
      take: () => {
        const taken = count;
        count = 0;
        return taken;
      },
    };
    const provider = catalog.get(run.provider);
    const permits = concurrency.for(provider.key, provider.api.maxConcurrentRequests);
    const { generation, integration, http } = await openConnectionHttp({ store, catalog }, run, {
      signal: context.cancellationSignal,
      onResponse: ({ status }) => {
        count++;
        metrics.providerAnswered(run.provider, status);
      },
      onNoResponse: () => metrics.providerAnswered(run.provider, null),
      ...(events ? { onRequest: events.request } : {}),
      // A fresh guard each slice: its first request reads the current usage, so a resumed run spends one call to learn.
      quota: provider.api.quota ? new QuotaGuard(provider.api.quota) : undefined,
      limiter: permits,
      // A provider may take minutes to answer a page (a slow query), and waiting for a permit behind other
      // connections' requests is progress too: keep heartbeating while any request is in flight, or the attempt
      // times out and the same slow page is asked for again.
      whileWaiting: (waiting) => heartbeatWhile(context, waiting, progressDetails),
    });
    return { generation, provider, http, requests, integration };
  }

  /**
   * The fields to read, for a sync that declares them: what it wants and the integration and the connection add,
   * among those the account really has. Missing ones are reported on the run; a missing required one fails it, saying which.
   */
  async function chooseFields(
    run: SyncRunDocument,
    sync: SyncDefinition,
    http: ProviderHttpClient,
    key: string,
    extra: readonly string[],
  ): Promise<FieldSelection | null> {
    const fields = await fieldDiscovery.select(key, sync, http, extra);
    if (!fields) return null;
    if (fields.missingRequired.length > 0) {
      throw new ProviderError('permanent', `the account does not let the integration user read required field(s) ${fields.missingRequired.join(', ')} of ${run.model}`);
    }
    const known = run.missingFields ?? [];
    if (known.join() !== fields.missing.join()) {
      await store.runs.recordMissingFields(run._id, fields.missing);
      if (fields.missing.length > 0) await store.runs.log(run._id, 'fields', `not readable in this account, skipped: ${fields.missing.join(', ')}`);
    }
    return fields;
  }

  /**
   * The sync's pages from the run's checkpoint: the run's own, or at its start the last run's cursor, read again over
   * the provider's lookback. An incremental run the sync says must read everything (FullResyncNeeded) goes on as a
   * full one from no checkpoint; `restarted` hears of the run as it now is.
   */
  async function* pagesOf(
    run: SyncRunDocument,
    provider: ProviderDefinition,
    http: ProviderHttpClient,
    fields: FieldSelection | null,
    restarted: (run: SyncRunDocument) => Promise<void>,
  ): AsyncGenerator<SyncPage> {
    const sync = catalog.sync(run.provider, run.model);
    const from = { mode: run.mode, checkpoint: run.checkpoint, lookbackMs: lookbackOf(run, provider), pageSize: provider.api.pageSize };
    try {
      yield* sync.fetchPages({ ...from, http, fields: fields?.selected });
    } catch (error) {
      if (!(error instanceof FullResyncNeeded)) throw error;
      if (run.mode !== 'incremental') throw new ProviderError('permanent', `${error.message}, and this run reads everything already`);
      const full = await store.runs.restartAsFull(run._id, error.reason);
      if (full.mode !== 'full') throw new ProviderError('transient', `${error.message}, but the run could not be turned into a full one`);
      runLogger(run, run._id).info({ reason: error.reason }, 'incremental run turned into a full resync');
      await restarted(full);
      yield* sync.fetchPages({ mode: 'full', checkpoint: null, lookbackMs: 0, pageSize: provider.api.pageSize, http, fields: fields?.selected });
    }
  }

  /** Only before the run's first stored page is its checkpoint the last run's cursor (see SyncContext.lookbackMs). */
  function lookbackOf(run: SyncRunDocument, provider: ProviderDefinition): number {
    return run.mode === 'incremental' && run.pages === 0 ? (provider.api.incrementalLookbackMs ?? 0) : 0;
  }

  /** Stores one validated page, unless the run ended meanwhile. */
  async function applyPage(run: SyncRunDocument, page: SyncPage, valid: ValidRecord[], { likelyStored, progressDetails }: { likelyStored: boolean; progressDetails: () => unknown }) {
    const runId = run._id;
    // Terminating a workflow reaches its running activity only with a heartbeat's answer, seconds later: a
    // connection deleted meanwhile has lost this run (deleted before its records), so write nothing more.
    if ((await store.runs.find(runId))?.status !== 'running') {
      throw ApplicationFailure.create({ type: FailureType.gone, message: `sync run ${runId} ended or was deleted`, nonRetryable: true });
    }
    const sync = catalog.sync(run.provider, run.model);
    // A slow database (a page re-applied after a crash looks up every record it already holds) is still
    // progress: keep heartbeating while the page is written, or the attempt times out and repeats the same page.
    const outcome = await heartbeatWhile(
      Context.current(),
      store.records.applyPage({
        connectionId: run.connectionId,
        model: run.model,
        incarnation: run.incarnation,
        runId,
        seenMark: seenMarkOf(run),
        likelyStored,
        upserts: valid,
        deletedIds: page.deletedIds,
        ignoredFields: sync.ignoredFields ?? [],
        collectIds: true,
      }),
      progressDetails,
    );
    metrics.recordsStored({ provider: run.provider, model: run.model }, { added: outcome.added, updated: outcome.updated, deleted: outcome.deleted, unchanged: outcome.unchanged });
    return outcome;
  }

  /**
   * After the run's last page: the deletes the provider's webhooks reported for this feed before this pass began (a
   * steady stream of reports cannot keep a run from ending), a batch at a time, each checked with the provider when
   * the sync can (`confirmDeletes`), applied as a page, and only then forgotten, so a crash anywhere repeats a batch
   * and repeating one changes nothing.
   */
  async function applyReportedDeletes(
    run: SyncRunDocument,
    sync: SyncDefinition,
    http: ProviderHttpClient,
    { checkpoint, requests, progressDetails, events }: { checkpoint: SyncRunDocument['checkpoint']; requests: { take(): number }; progressDetails: () => unknown; events: SliceEvents },
  ): Promise<{ pages: number; deleted: number }> {
    const passStartedAt = new Date();
    const applied = { pages: 0, deleted: 0 };
    for (;;) {
      const batch = await store.reportedDeletes.pending(run, passStartedAt, REPORTED_DELETES_BATCH);
      if (batch.length === 0) return applied;
      const reported = batch.map((report) => report.externalId);
      const gone = new Set(sync.confirmDeletes ? await sync.confirmDeletes({ http, ids: reported }) : reported);
      const page: SyncPage = { records: [], deletedIds: reported.filter((id) => gone.has(id)), checkpoint };
      const outcome = await applyPage(run, page, [], { likelyStored: true, progressDetails });
      const providerRequests = requests.take();
      await store.runs.recordPage(run._id, { checkpoint, recordsRead: page.deletedIds.length, providerRequests, invalid: [], changes: outcome });
      // On the run's timeline like any page, before the reports are forgotten.
      events.page({ recordsRead: page.deletedIds.length, requests: providerRequests, invalid: [], ids: outcome.ids ?? { added: [], updated: [], deleted: [] }, unchanged: outcome.unchanged });
      await store.events.insert(events.take());
      const stillThere = reported.length - page.deletedIds.length;
      await store.runs.log(run._id, 'page', `webhooks reported ${reported.length} deletes${sync.confirmDeletes ? `; the provider still has ${stillThere} of them, kept` : ''}`);
      await store.reportedDeletes.forget(batch);
      applied.pages++;
      applied.deleted += page.deletedIds.length;
      Context.current().heartbeat(progressDetails());
    }
  }

  /** What the workflow is told when a slice stops early, and what the run remembers of it. */
  async function sliceFailed(
    run: SyncRunDocument,
    error: unknown,
    { generation, requests, fieldsKey, log, events }: { generation: number; requests: number; fieldsKey: string; log: Logger; events: SliceEvents },
  ): Promise<unknown> {
    const runId = run._id;
    const logged: LogEventDocument[] = events.take();
    await store.runs.addProviderRequests(runId, requests);
    // A provider error comes from a request, never from between a page's write and its checkpoint: the slice
    // ended cleanly, so the run's page-by-page count stays exact and needs no recount.
    if (error instanceof ProviderError) await store.runs.endSlice(runId);
    log.warn({ err: (error as Error).message }, 'sync slice stopped');
    let cause = error;
    const sync = catalog.sync(run.provider, run.model);
    const { errorRules } = catalog.get(run.provider).api;
    if (error instanceof ProviderError && isFieldError(errorRules, error) && sync.fields && Context.current().info.attempt === 1) {
      // The account's permissions changed since the fields were listed: list them again on the retry (once: a field
      // the fresh list offers and the request still refuses is the provider's inconsistency, not ours to loop on).
      fieldDiscovery.forget(fieldsKey);
      cause = new ProviderError('transient', `${error.message} (fields are listed again)`, error.details);
    }
    if (cause instanceof ProviderError && cause.kind !== 'rate_limited') await store.runs.log(runId, cause.kind === 'permanent' ? 'failed' : 'retry', cause.message);
    if (!(cause instanceof ProviderError) || cause.kind !== 'rate_limited') logged.push(errorEvent(run, cause, Context.current().info.attempt));
    const failure = toActivityFailure(cause, generation);
    if (failure instanceof ApplicationFailure && failure.type === FailureType.rateLimited) {
      // Counted here because the wait itself is a workflow timer, and workflow code cannot touch metrics.
      const details = failure.details?.[0] as RateLimitedDetails;
      metrics.rateLimited(run.provider, namedWaitMs(details));
      await store.runs.recordRateLimitWait(runId, `waiting for the rate limit: ${details.reason}`);
      const until = new Date(Date.now() + details.waitMs);
      logged.push(
        runEvent(run, {
          kind: 'wait',
          level: 'warn',
          message: `waiting ${describeRateLimitWait(details)} for the rate limit: ${details.reason}`,
          data: { why: details.reason, ms: details.waitMs, until: until.toISOString(), backoff: Boolean(details.backoff) },
        }),
      );
    }
    // Best effort: the log must never turn a slice's failure into another one.
    await store.events.insert(logged).catch((error: unknown) => log.warn({ err: (error as Error).message }, 'run events not stored'));
    return failure;
  }

  return {
    /**
     * Starts a run. An incremental run becomes a full resync when what the sync stores changed since the model's
     * records were last all read (a new sync version, the integration's or the connection's extra fields), or when its
     * sync reads everything every so often (`fullResyncEvery`) and that time has come: decided here, not in the
     * workflow, so connections already running pick it up at their next run without a workflow change. The reason is
     * kept on the run and goes out with its sync webhook.
     */
    async beginSyncRun(input: BeginSyncRunInput): Promise<BeginSyncRunResult> {
      const connection = await store.connections.get(input.connectionId);
      const integration = await store.integrations.find(connection.integration);
      const sync = catalog.sync(connection.provider, input.model);
      const syncVersion = syncVersionOf(sync, extraFieldsFor(input.model, integration?.fields, connection.fields));
      const lastComplete = await store.runs.lastCompleteVersion(connection, input.model);
      const cursor = Object.hasOwn(connection.syncs, input.model) ? connection.syncs[input.model].cursor : null;
      const scheduled = sync.fullResyncEvery
        ? { every: sync.fullResyncEvery, lastCompleteReadAt: await store.runs.lastCompleteReadAt(input.connectionId, input.model), now: new Date() }
        : undefined;
      const { mode, fullReason } = decideRunMode({ requested: input.mode, hasCursor: cursor !== null, lastComplete, current: syncVersion, scheduled });
      // Everything written before this run is complete (one writer per feed), so it may all be read.
      const feed = { connectionId: input.connectionId, model: input.model, incarnation: connection.incarnation };
      const feedSeqAtStart = await store.records.feeds.publishAll(feed);
      const begun = await store.runs.begin({
        runId: input.runId,
        connectionId: input.connectionId,
        // The run writes into the connection's life it began in, whatever happens to the connection id meanwhile.
        ...(connection.incarnation ? { incarnation: connection.incarnation } : {}),
        integration: connection.integration,
        provider: connection.provider,
        model: input.model,
        mode,
        startCursor: mode === 'full' ? null : cursor,
        feedSeqAtStart,
        syncVersion,
        fullReason,
      });
      await store.connections.setLastRun(input.connectionId, input.model, input.runId, begun.startedAt);
      runLogger(input, input.runId).info({ mode, fullReason, provider: connection.provider }, 'sync run started');
      const current = settings.workflow ?? input.settings;
      return { ...(current ? { settings: current } : {}), mode, fullReason };
    },

    /**
     * Reads pages from the run's durable checkpoint on, storing each page before checkpointing it, so a crash
     * anywhere repeats at most one page, and repeating a page changes nothing.
     */
    async syncModelSlice({ runId }: SyncSliceInput): Promise<SyncSliceResult> {
      const context = Context.current();
      let run = await store.runs.require(runId);
      const sync = catalog.sync(run.provider, run.model);
      const log = runLogger(run, runId).child({ attempt: context.info.attempt });
      const result: SyncSliceResult = { done: false, pages: 0, recordsRead: 0 };
      const progressDetails = () => ({ pages: result.pages });
      const heartbeat = () => context.heartbeat(progressDetails());
      const events = new SliceEvents(run, context.info.attempt);
      const { generation, provider, integration, http, requests } = await openProviderClient(run, progressDetails, events);
      // The previous slice's last events (it handed back): into the log before the run forgets them.
      const carried = run.pendingEvents ?? [];
      if (carried.length > 0) await store.events.insert(carried);
      await store.runs.beginSlice(run, { pendingEventsStored: carried.length > 0 });
      // A read of everything starting from nothing (a first attempt, or one after an attempt that died before its first
      // checkpoint) is a new sweep: what an abandoned read stored and this one does not see was deleted meanwhile.
      if (run.readsEverything && run.checkpoint === null) run = await store.runs.startSweep(run);
      // Said by whichever attempt may be the first to store a page; stored once (its id is the run's).
      if (run.pages === 0) events.add(modeEvent(run));
      const sliceStartedAt = Date.now();
      const fieldsKey = `${run.connectionId}:${run.model}`;
      let handedBack = false;
      try {
        const connection = await store.connections.get(run.connectionId);
      const fields = await chooseFields(run, sync, http, fieldsKey, extraFieldsFor(run.model, integration?.fields, connection.fields));
        // Where the reported deletes are applied after the last page: the last page's checkpoint.
        let checkpoint = run.checkpoint;
        for await (const page of pagesOf(run, provider, http, fields, async (restarted) => {
          run = await store.runs.startSweep(restarted);
        })) {
          const { valid, invalid } = validatePage(sync, page.records, fields?.extraKinds);
          // What an incremental run reads first from a cursor (its lookback re-read) was mostly stored by the run
          // before; a connection's first run is incremental too, but from no cursor, and stores everything anew.
          const likelyStored = run.mode === 'incremental' && run.startCursor !== null && run.pages + result.pages === 0;
          const outcome = await applyPage(run, page, valid, { likelyStored, progressDetails });
          const providerRequests = requests.take();
          await store.runs.recordPage(runId, {
            checkpoint: page.checkpoint,
            recordsRead: page.records.length + page.deletedIds.length,
            providerRequests,
            invalid,
            changes: outcome,
            note: page.note,
          });
          events.page({ recordsRead: page.records.length + page.deletedIds.length, requests: providerRequests, invalid, ids: outcome.ids ?? { added: [], updated: [], deleted: [] }, unchanged: outcome.unchanged });
          // Written as the run goes, page by page, so its timeline is live; except a slice's first page that changed
          // nothing, which waits for the next page or rides on the slice's closing write (a scheduled run that finds
          // nothing is one such page).
          if (result.pages > 0 || outcome.added + outcome.updated + outcome.deleted > 0) await store.events.insert(events.take());
          checkpoint = page.checkpoint;
          result.pages++;
          result.recordsRead += page.records.length + page.deletedIds.length;
          heartbeat();
          log.debug({ page: result.pages, ...outcome }, 'page stored');
          // Hand back only after a page that moved the run on: a sync's closing empty page must end the run, not
          // start another slice that reads the same empty page again. A worker that is shutting down hands back at
          // once: its grace time is for storing the page in flight, not for reading more.
          const progressed = page.records.length + page.deletedIds.length > 0;
          if (progressed && (Date.now() - sliceStartedAt >= settings.maxSliceMs || stopping?.aborted)) {
            handedBack = true;
            break;
          }
        }
        if (!handedBack) {
          const applied = await applyReportedDeletes(run, sync, http, { checkpoint, requests, progressDetails, events });
          result.pages += applied.pages;
          result.recordsRead += applied.deleted;
          if (applied.pages > 0) heartbeat();
        }
        result.done = !handedBack;
        await store.runs.endSlice(runId, events.take());
        return result;
      } catch (error) {
        throw await sliceFailed(run, error, { generation, requests: requests.take(), fieldsKey, log, events });
      }
    },

    async finishSyncRun({ runId, nextRunAt }: FinishSyncRunInput): Promise<SyncWebhookEvent> {
      const run = await store.runs.require(runId);
      const log = runLogger(run, runId);
      let finished: SyncRunDocument | null = null;
      if (run.status === 'running') {
        let unseen = 0;
        const endEvents: LogEventDocument[] = [...(run.pendingEvents ?? [])];
        const seenMark = seenMarkOf(run);
        if (seenMark !== null) {
          unseen = await store.records.markUnseenAsDeleted(run, { runId, seenMark }, undefined, (deletedIds) => {
            endEvents.push(
              runEvent(run, {
                kind: 'page',
                level: 'info',
                message: `${deletedIds.length} records this ${run.mode === 'full' ? 'full resync' : 'read of everything'} did not see marked deleted`,
                data: { recordsRead: 0, requests: 0, added: 0, updated: 0, deleted: deletedIds.length, unseen: true },
                deletedIds,
              }),
            );
          });
          metrics.recordsStored({ provider: run.provider, model: run.model }, { deleted: unseen });
        }
        const outcome = await outcomeOf(run, unseen);
        const feedSeqAtEnd = await store.records.feeds.publishAll(run);
        endEvents.push(finishedEvent(run, { status: 'succeeded', outcome, error: null }));
        // Before the run is marked succeeded, which drops its pending events: a retry finds them still there.
        await store.events.insert(endEvents);
        finished = await store.runs.succeed(runId, outcome, feedSeqAtEnd);
        const durationMs = (finished.finishedAt ?? new Date()).getTime() - run.startedAt.getTime();
        metrics.syncRunEnded({ provider: run.provider, model: run.model, mode: run.mode }, 'succeeded', durationMs);
        log.info({ mode: run.mode, ...outcome, durationMs }, 'sync run succeeded');
      }
      finished ??= await store.runs.require(runId);
      // Committed after the run is marked succeeded; repeating both on a retry is harmless. Only into the life the run
      // began in: a connection that moved to another account since starts over from no cursor.
      await store.connections.commitCursor(
        run.connectionId,
        run.model,
        finished.checkpoint,
        runId,
        nextRunAt === null ? null : new Date(nextRunAt),
        { incarnation: run.incarnation },
        summarizeRun(finished),
      );
      return syncEventOfRun(finished, 'succeeded', finished.feedSeqAtStart);
    },

    /** Ends a run that cannot finish; if it stored changes first, returns their event so the app is told. */
    async failSyncRun({ runId, code, message, nextRunAt }: FailSyncRunInput): Promise<SyncWebhookEvent | null> {
      const run = await store.runs.require(runId);
      const feedSeqAtEnd = await store.records.feeds.publishAll(run);
      if (run.status === 'running') {
        const outcome = await outcomeOf(run, 0);
        await store.events.insert([...(run.pendingEvents ?? []), finishedEvent(run, { status: 'failed', outcome, error: { code, message } })]);
        await store.runs.fail(runId, { code, message }, outcome, feedSeqAtEnd);
        // A retry of this activity finds the run already failed; the run ended once, so it is measured once.
        const durationMs = Date.now() - run.startedAt.getTime();
        metrics.syncRunEnded({ provider: run.provider, model: run.model, mode: run.mode }, 'failed', durationMs);
      }
      const failed = await store.runs.require(runId);
      await store.connections.recordRunFailed(run.connectionId, run.model, nextRunAt === null ? null : new Date(nextRunAt), summarizeRun(failed));
      runLogger(run, runId).warn({ code, message }, 'sync run failed');
      const event = syncEventOfRun(failed, 'failed', feedSeqAtEnd);
      return changedAnything(event) ? event : null;
    },
  };
}

/** A run's end for its timeline and the overview's statistics: derived id, so a repeated end activity stores it once. */
function finishedEvent(run: SyncRunDocument, end: { status: 'succeeded' | 'failed'; outcome: RunChanges; error: { code: string; message: string } | null }): LogEventDocument {
  const { added, updated, deleted } = end.outcome;
  const durationMs = Date.now() - run.startedAt.getTime();
  return runEvent(run, {
    _id: `${run._id}:finished`,
    kind: 'finished',
    level: end.status === 'failed' ? 'error' : 'info',
    message:
      end.status === 'succeeded'
        ? `succeeded in ${durationMs} ms: ${added} added, ${updated} updated, ${deleted} deleted`
        : `failed after ${durationMs} ms (${end.error?.code}): ${end.error?.message}`,
    data: { status: end.status, mode: run.mode, added, updated, deleted, durationMs, error: end.error },
  });
}

/** What stopped a slice, with the provider's own message where it gave one (already cut to its first 200 characters). */
function errorEvent(run: SyncRunDocument, cause: unknown, attempt: number): LogEventDocument {
  if (cause instanceof ProviderError) {
    return runEvent(run, {
      kind: 'error',
      level: cause.kind === 'permanent' ? 'error' : 'warn',
      message: `${cause.kind === 'auth_expired' ? 'the access token was refused; credentials are refreshed and the slice retried' : cause.kind === 'permanent' ? 'the provider refused' : 'retried'}: ${cause.message}`,
      data: { code: cause.kind, status: cause.details.status ?? null, providerCode: cause.details.providerCode ?? null, attempt },
    });
  }
  return runEvent(run, {
    kind: 'error',
    level: 'error',
    message: `the slice stopped: ${(cause as Error).message ?? String(cause)}`,
    data: { code: (cause as { type?: string }).type ?? 'internal', attempt },
  });
}
