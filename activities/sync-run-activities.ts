// Activities that run one sync of one model: begin, read and store pages slice by slice, then finish or fail.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type {
  BeginSyncRunInput,
  BeginSyncRunResult,
  FailSyncRunInput,
  FinishSyncRunInput,
  SyncRunSummary,
  SyncSliceInput,
  SyncSliceResult,
} from '../contracts/activity-messages';
import { encodeCursor } from '../contracts/change-cursor';
import { FailureType, type RateLimitedDetails } from '../contracts/failure-types';
import { ProviderConcurrencyLimits } from '../sync/concurrency-limit';
import { createProviderHttpClient } from '../sync/http-client';
import { ProviderError } from '../sync/provider-error';
import { QuotaGuard } from '../sync/quota-guard';
import type { InvalidRecordSample, RunChanges, SyncRunDocument } from '../store/sync-runs';
import type { ActivityDependencies } from './dependencies';
import { toActivityFailure } from './failures';

export function createSyncRunActivities({ store, catalog, logger, metrics, settings, stopping }: ActivityDependencies) {
  const runLogger = (run: Pick<SyncRunDocument, 'connectionId' | 'model'>, runId: string) =>
    logger.child({ connectionId: run.connectionId, model: run.model, runId });
  /** Shared by every slice this process runs: the limit is per provider per worker, across connections. */
  const concurrency = new ProviderConcurrencyLimits();

  /**
   * A run's outcome: its page-by-page count, exact unless a page may have been applied twice (an interrupted attempt,
   * or a repeated end activity that already marked deletions); only then pay for a scan of the run's records. Runs
   * stored before page-by-page counting have no `recountNeeded` and are recounted too.
   */
  async function outcomeOf(run: SyncRunDocument, deletedAtEnd: number): Promise<RunChanges> {
    if (run.recountNeeded !== false || Context.current().info.attempt > 1) return store.records.countRunOutcome(run._id);
    return { ...run.changes, deleted: run.changes.deleted + deletedAtEnd };
  }

  return {
    async beginSyncRun(input: BeginSyncRunInput): Promise<BeginSyncRunResult | undefined> {
      const connection = await store.connections.get(input.connectionId);
      // Everything written before this run is complete (one writer per feed), so it may all be read.
      const feedSeqAtStart = await store.records.feeds.publishAll(input.connectionId, input.model);
      await store.runs.begin({
        runId: input.runId,
        connectionId: input.connectionId,
        integration: connection.integration,
        provider: connection.provider,
        model: input.model,
        mode: input.mode,
        startCursor: input.mode === 'full' ? null : (connection.syncs[input.model]?.cursor ?? null),
        feedSeqAtStart,
      });
      await store.connections.setLastRun(input.connectionId, input.model, input.runId);
      runLogger(input, input.runId).info({ mode: input.mode, provider: connection.provider }, 'sync run started');
      const current = settings.workflow ?? input.settings;
      return current ? { settings: current } : undefined;
    },

    /**
     * Reads pages from the run's durable checkpoint on, storing each page before checkpointing it, so a crash
     * anywhere repeats at most one page, and repeating a page changes nothing.
     */
    async syncModelSlice({ runId }: SyncSliceInput): Promise<SyncSliceResult> {
      const context = Context.current();
      const run = await store.runs.require(runId);
      const provider = catalog.get(run.provider);
      const sync = catalog.sync(run.provider, run.model);
      const { generation, credentials } = await store.connections.readCredentials(run.connectionId);
      const log = runLogger(run, runId).child({ attempt: context.info.attempt });
      const labels = { provider: run.provider, model: run.model };
      await store.runs.beginSlice(run);

      let requests = 0;
      // The customer's own host (Salesforce's instance URL) first, then the integration's, then the provider's.
      const integration = await store.integrations.find(run.integration);
      const baseUrl = credentials.instanceUrl ?? integration?.apiBaseUrl ?? provider.api.baseUrl;
      if (!baseUrl || !credentials.accessToken) {
        throw toActivityFailure(new ProviderError('auth_expired', 'no access token has been issued yet'), generation);
      }
      const result: SyncSliceResult = { done: false, pages: 0, recordsRead: 0 };
      const permits = concurrency.for(provider.key, provider.api.maxConcurrentRequests);
      const http = createProviderHttpClient({
        baseUrl,
        accessToken: credentials.accessToken,
        errorRules: provider.api.errorRules,
        timeoutMs: provider.api.requestTimeoutMs,
        signal: context.cancellationSignal,
        onResponse: ({ status }) => {
          requests++;
          metrics.providerAnswered(run.provider, status);
        },
        onNoResponse: () => metrics.providerAnswered(run.provider, null),
        // A fresh guard each slice: its first request reads the current usage, so a resumed run spends one call to learn.
        quota: provider.api.quota ? new QuotaGuard(provider.api.quota) : undefined,
        // Waiting for a permit behind other connections' requests is progress too: keep heartbeating meanwhile.
        limiter: { acquire: (signal) => heartbeatWhile(permits.acquire(signal), () => context.heartbeat({ pages: result.pages })) },
      });

      const sliceStartedAt = Date.now();
      try {
        // Only before the run's first stored page is its checkpoint the last run's cursor (see SyncContext.lookbackMs).
        const lookbackMs = run.mode === 'incremental' && run.pages === 0 ? (provider.api.incrementalLookbackMs ?? 0) : 0;
        for await (const page of sync.fetchPages({ mode: run.mode, checkpoint: run.checkpoint, http, pageSize: provider.api.pageSize, lookbackMs })) {
          const upserts: { externalId: string; data: Record<string, unknown> }[] = [];
          const invalid: InvalidRecordSample[] = [];
          for (const raw of page.records) {
            const parsed = sync.schema.safeParse(raw);
            if (parsed.success) {
              upserts.push({ externalId: sync.idOf(parsed.data), data: parsed.data });
            } else {
              const id = (raw as { Id?: unknown; id?: unknown })?.Id ?? (raw as { id?: unknown })?.id;
              invalid.push({
                externalId: typeof id === 'string' ? id : null,
                problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(record)'}: ${i.message}`),
              });
            }
          }
          // Terminating a workflow reaches its running activity only with a heartbeat's answer, seconds later: a
          // connection deleted meanwhile has lost this run (deleted before its records), so write nothing more.
          if ((await store.runs.find(runId))?.status !== 'running') {
            throw ApplicationFailure.create({ type: FailureType.gone, message: `sync run ${runId} ended or was deleted`, nonRetryable: true });
          }
          // A slow database (a page re-applied after a crash looks up every record it already holds) is still
          // progress: keep heartbeating while the page is written, or the attempt times out and repeats the same page.
          const outcome = await heartbeatWhile(
            store.records.applyPage({
              connectionId: run.connectionId,
              model: run.model,
              runId,
              markSeen: run.mode === 'full',
              upserts,
              deletedIds: page.deletedIds,
              ignoredFields: sync.ignoredFields ?? [],
            }),
            () => context.heartbeat({ pages: result.pages }),
          );
          metrics.recordsStored(labels, outcome);
          await store.runs.recordPage(runId, {
            checkpoint: page.checkpoint,
            recordsRead: page.records.length + page.deletedIds.length,
            providerRequests: requests,
            invalid,
            changes: outcome,
          });
          requests = 0;
          result.pages++;
          result.recordsRead += page.records.length + page.deletedIds.length;
          context.heartbeat({ pages: result.pages });
          log.debug({ page: result.pages, ...outcome }, 'page stored');
          // Hand back only after a page that moved the run on: a sync's closing empty page must end the run, not
          // start another slice that reads the same empty page again. A worker that is shutting down hands back at
          // once: its grace time is for storing the page in flight, not for reading more.
          const progressed = page.records.length + page.deletedIds.length > 0;
          if (progressed && (Date.now() - sliceStartedAt >= settings.maxSliceMs || stopping?.aborted)) {
            await store.runs.endSlice(runId);
            return result;
          }
        }
        result.done = true;
        await store.runs.endSlice(runId);
        return result;
      } catch (error) {
        await store.runs.addProviderRequests(runId, requests);
        // A provider error comes from a request, never from between a page's write and its checkpoint: the slice
        // ended cleanly, so the run's page-by-page count stays exact and needs no recount.
        if (error instanceof ProviderError) await store.runs.endSlice(runId);
        log.warn({ err: (error as Error).message }, 'sync slice stopped');
        const failure = toActivityFailure(error, generation);
        if (failure instanceof ApplicationFailure && failure.type === FailureType.rateLimited) {
          // Counted here because the wait itself is a workflow timer, and workflow code cannot touch metrics.
          // A backoff wait is chosen by the workflow, not told by the provider: it adds no seconds.
          const details = failure.details?.[0] as RateLimitedDetails;
          metrics.rateLimited(run.provider, details.backoff ? 0 : details.waitMs);
          await store.runs.recordRateLimitWait(runId);
        }
        throw failure;
      }
    },

    async finishSyncRun({ runId, nextRunAt }: FinishSyncRunInput): Promise<SyncRunSummary> {
      const run = await store.runs.require(runId);
      const log = runLogger(run, runId);
      if (run.status === 'running') {
        let unseen = 0;
        if (run.mode === 'full') {
          unseen = await store.records.markUnseenAsDeleted(run.connectionId, run.model, runId);
          metrics.recordsStored({ provider: run.provider, model: run.model }, { deleted: unseen });
        }
        const outcome = await outcomeOf(run, unseen);
        const feedSeqAtEnd = await store.records.feeds.publishAll(run.connectionId, run.model);
        const succeeded = await store.runs.succeed(runId, outcome, feedSeqAtEnd);
        const durationMs = (succeeded.finishedAt ?? new Date()).getTime() - run.startedAt.getTime();
        metrics.syncRunEnded({ provider: run.provider, model: run.model, mode: run.mode }, 'succeeded', durationMs);
        log.info({ mode: run.mode, ...outcome, durationMs }, 'sync run succeeded');
      }
      const finished = await store.runs.require(runId);
      // Committed after the run is marked succeeded; repeating both on a retry is harmless.
      await store.connections.commitCursor(run.connectionId, run.model, finished.checkpoint, runId);
      await store.connections.setNextRunAt(run.connectionId, run.model, nextRunAt === null ? null : new Date(nextRunAt));
      return summaryOf(finished, 'succeeded', finished.feedSeqAtStart);
    },

    /** Ends a run that cannot finish; if it stored changes first, returns their summary so the app is told. */
    async failSyncRun({ runId, code, message, nextRunAt }: FailSyncRunInput): Promise<SyncRunSummary | null> {
      const run = await store.runs.require(runId);
      const feedSeqAtEnd = await store.records.feeds.publishAll(run.connectionId, run.model);
      if (run.status === 'running') {
        const outcome = await outcomeOf(run, 0);
        await store.runs.fail(runId, { code, message }, outcome, feedSeqAtEnd);
        // A retry of this activity finds the run already failed; the run ended once, so it is measured once.
        const durationMs = Date.now() - run.startedAt.getTime();
        metrics.syncRunEnded({ provider: run.provider, model: run.model, mode: run.mode }, 'failed', durationMs);
      }
      await store.connections.setNextRunAt(run.connectionId, run.model, nextRunAt === null ? null : new Date(nextRunAt));
      runLogger(run, runId).warn({ code, message }, 'sync run failed');
      const failed = await store.runs.require(runId);
      const summary = summaryOf(failed, 'failed', feedSeqAtEnd);
      return summary.added + summary.updated + summary.deleted === 0 ? null : summary;
    },
  };
}

/** What the workflow announces about an ended run; `feedSeqAtEnd` stands in if the run did not record its own. */
function summaryOf(run: SyncRunDocument, status: SyncRunSummary['status'], feedSeqAtEnd: number): SyncRunSummary {
  const outcome = run.outcome ?? { added: 0, updated: 0, deleted: 0 };
  return {
    runId: run._id,
    connectionId: run.connectionId,
    integration: run.integration,
    model: run.model,
    mode: run.mode,
    status,
    ...outcome,
    invalidRecords: run.invalidRecords,
    startedAt: run.startedAt.toISOString(),
    finishedAt: (run.finishedAt ?? new Date()).toISOString(),
    fromCursor: encodeCursor(run.feedSeqAtStart),
    toCursor: encodeCursor(run.feedSeqAtEnd ?? feedSeqAtEnd),
  };
}

const HEARTBEAT_WHILE_WAITING_MS = 2000;

/** Heartbeats every few seconds until `waiting` settles (Temporal throttles heartbeats itself). */
async function heartbeatWhile<T>(waiting: Promise<T>, heartbeat: () => void): Promise<T> {
  const timer = setInterval(heartbeat, HEARTBEAT_WHILE_WAITING_MS);
  try {
    return await waiting;
  } finally {
    clearInterval(timer);
  }
}
