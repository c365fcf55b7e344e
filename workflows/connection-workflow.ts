// One long-running workflow per connection: it owns the schedule and the credentials, runs syncs and announces changes.
//
// This code replays the histories of connections that have been running for months. Before changing the sequence of
// commands it issues (activities, timers, children, signals sent), read "Changing workflow code" in the README: the
// change goes behind a `patched()` id, and `npm test` replays the corpus in test/replay against it.
import {
  ActivityCancellationType,
  CancellationScope,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
  isCancellation,
  log,
  patched,
  proxyActivities,
  setCurrentDetails,
  setHandler,
  sleep,
  startChild,
  upsertSearchAttributes,
  uuid4,
  workflowInfo,
} from '@temporalio/workflow';
import { WorkflowExecutionAlreadyStartedError, type ActivityOptions } from '@temporalio/common';
import type { Activities } from '../activities';
import type { SyncMode } from '../contracts/activity-messages';
import type {
  ConnectionChange,
  ConnectionState,
  ConnectionWorkflowStatus,
  CredentialsExpiredNotice,
  ReauthorizedNotice,
  SyncRequest,
} from '../contracts/connection-workflow-messages';
import { FailureType, type CredentialsExpiredDetails, type RateLimitedDetails } from '../contracts/failure-types';
import { StatusAttribute } from '../contracts/search-attributes';
import { controlTaskQueue } from '../contracts/task-queues';
import type { AuthWebhookEvent, SyncWebhookEvent } from '../contracts/webhook-events';
import { fullJitterBackoffMs } from '../contracts/backoff';
import { connectionDetails, isoTime, type ModelProgress } from './connection/details';
import { failureOf, lastAttemptMessage } from './connection/failures';
import { launchesDue, nextRunAfter, nextWakeAt, refreshBackoffMs } from './connection/schedule';
import { authEvent, syncEvent } from './connection/webhook-events';
import { webhookDeliveryWorkflow } from './webhook-delivery-workflow';

export const syncRequestedSignal = defineSignal<[SyncRequest]>('syncRequested');
export const reauthorizedSignal = defineSignal<[ReauthorizedNotice]>('reauthorized');
/** An action or the proxy was refused the token of `generation`: refresh it, unless newer credentials exist already. */
export const credentialsExpiredSignal = defineSignal<[CredentialsExpiredNotice]>('credentialsExpired');
/** `PATCH /connections/:id`: models enabled or disabled, frequencies, pause and resume. */
export const connectionChangedSignal = defineSignal<[ConnectionChange]>('connectionChanged');
/** `DELETE /connections/:id`: stop every run, wait until none writes any more, end; the API then removes the data. */
export const deleteRequestedSignal = defineSignal('deleteRequested');
export const connectionStateQuery = defineQuery<ConnectionState>('connectionState');

/** A sync that hits 401 this many times in a row, each time with fresh credentials, is failed instead of looping. */
const MAX_AUTH_RETRIES_PER_RUN = 5;
const DEFAULT_DEGRADED_NOTICE_AFTER_MS = 15 * 60_000;

export async function connectionWorkflow(input: ConnectionState): Promise<void> {
  const state: ConnectionState = input;

  // Each patch is decided once per run: true for runs started by this code, false while replaying a run that an
  // earlier release started (which keeps its old behaviour until it continues as new). See README "Changing workflow code".
  const settingsFromWorker = patched('settings-from-worker');
  const continueAsNewWhileWaiting = patched('continue-as-new-while-waiting');
  const degradedNotParked = patched('degraded-not-parked');
  // Refreshes and bookkeeping go to the control task queue, whose slots sync slices can never fill.
  const controlQueue = patched('control-task-queue') ? { taskQueue: controlTaskQueue(workflowInfo().taskQueue) } : {};

  const bookkeeping = proxyActivities<Activities>({
    ...controlQueue,
    startToCloseTimeout: '1 minute',
    // The database may be down for a while; bookkeeping waits for it rather than failing a run.
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  // Built from the settings of the moment: a run start or continue-as-new may have brought new ones from the worker.
  const syncOptions = (): ActivityOptions => ({
    startToCloseTimeout: state.settings.sliceTimeoutMs,
    heartbeatTimeout: state.settings.heartbeatTimeoutMs,
    // A delete waits until the slice has really stopped writing, not just until it was asked to.
    cancellationType: ActivityCancellationType.WAIT_CANCELLATION_COMPLETED,
    retry: {
      initialInterval: '1 second',
      maximumInterval: '1 minute',
      maximumAttempts: 10,
      nonRetryableErrorTypes: [FailureType.credentialsExpired, FailureType.rateLimited, FailureType.providerRejected, FailureType.gone],
    },
  });
  const refreshing = () =>
    proxyActivities<Activities>({
      ...controlQueue,
      startToCloseTimeout: '1 minute',
      // The refresh heartbeats while it waits for the token endpoint: a dead worker's attempt is given up in seconds.
      heartbeatTimeout: '15 seconds',
      scheduleToCloseTimeout: state.settings.refreshRetryForMs,
      retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [FailureType.invalidGrant] },
    });

  const running = new Map<string, Promise<void>>();
  /** One per run in flight, so a delete can cancel them all. */
  const runScopes = new Map<string, CancellationScope>();
  /** What operators read in the UI: progress of the runs in flight and how each model's last run ended. */
  const progress = new Map<string, ModelProgress>();
  const lastOutcome = new Map<string, string>();
  /** Models the app disabled while their run was in flight: the run is ended at its next slice boundary. */
  const disabling = new Set<string>();
  let refreshInFlight: Promise<boolean> | null = null;
  let refreshScope: CancellationScope | null = null;
  /** The newest generation someone outside the workflow was refused; refreshed from the main loop. */
  let refreshWanted: number | null = null;
  let draining = false;
  let deleting = false;
  let wake = false;
  /** Auth webhooks owed to the app, sent from the main loop (signal handlers do not start child workflows). */
  const authAnnouncements: AuthWebhookEvent[] = [];

  // Handlers first: a query or signal that arrives while the first activity runs must find them.
  setHandler(syncRequestedSignal, (request) => {
    for (const model of request.models ?? Object.keys(state.models)) {
      const schedule = state.models[model];
      if (!schedule) continue;
      schedule.requestedMode = schedule.requestedMode === 'full' ? 'full' : request.mode;
    }
    wake = true;
  });
  setHandler(reauthorizedSignal, (notice) => {
    state.credentials = { generation: Math.max(state.credentials.generation, notice.generation), refreshAt: null };
    if (state.status === 'auth_error' || state.status === 'degraded') {
      state.degraded = null;
      setStatus(state.paused ? 'paused' : 'active', null);
      // The runs that failed while parked pushed their schedules out; the customer just reconnected, so catch up now.
      for (const schedule of Object.values(state.models)) schedule.requestedMode ??= 'incremental';
    }
    authAnnouncements.push(auth('reauthorization', null));
    wake = true;
  });
  setHandler(credentialsExpiredSignal, (notice) => {
    refreshWanted = Math.max(refreshWanted ?? 0, notice.generation);
    wake = true;
  });
  setHandler(connectionChangedSignal, (change) => {
    applyChange(change);
    wake = true;
  });
  setHandler(deleteRequestedSignal, () => {
    deleting = true;
    for (const scope of runScopes.values()) scope.cancel();
    refreshScope?.cancel();
    wake = true;
  });
  setHandler(connectionStateQuery, () => state);

  if (settingsFromWorker) state.settings = await bookkeeping.currentWorkflowSettings(state.settings);

  // A fresh start (not a continue-as-new) tells the app the connection is authorised. Patched: workflows started
  // before this existed replay without the extra child workflow.
  if (patched('announce-auth-on-start')) {
    const owed = state.announceAuth === undefined && !workflowInfo().continuedFromExecutionRunId ? 'creation' : state.announceAuth;
    state.announceAuth = null;
    if (owed) authAnnouncements.push(auth(owed, null));
  }


  function applyChange(change: ConnectionChange): void {
    for (const [model, wanted] of Object.entries(change.models ?? {})) {
      const schedule = Object.hasOwn(state.models, model) ? state.models[model] : undefined;
      if (!wanted.enabled) {
        if (!schedule) continue;
        if (running.has(model)) disabling.add(model);
        else delete state.models[model];
        continue;
      }
      disabling.delete(model);
      const frequencyMs = wanted.frequencyMs ?? schedule?.frequencyMs;
      if (frequencyMs === undefined) continue; // a new model always comes with its frequency (the API sees to it)
      if (!schedule) {
        state.models[model] = { frequencyMs, nextRunAt: Date.now(), activeRun: null, requestedMode: null, paused: wanted.paused ?? false };
        continue;
      }
      // The next run keeps its distance from the last run's start, at the new frequency.
      schedule.nextRunAt = schedule.nextRunAt - schedule.frequencyMs + frequencyMs;
      schedule.frequencyMs = frequencyMs;
      if (wanted.paused !== undefined) schedule.paused = wanted.paused;
    }
    if (change.paused !== undefined && change.paused !== Boolean(state.paused)) {
      state.paused = change.paused;
      if (change.paused) setStatus('paused', 'paused by the app');
      else setStatus(state.degraded ? 'degraded' : 'active', state.degraded?.reason ?? null);
    }
    showDetails();
  }

  function setStatus(status: ConnectionWorkflowStatus, reason: string | null): void {
    state.status = status;
    state.statusReason = reason;
    upsertSearchAttributes([{ key: StatusAttribute, value: status }]);
    showDetails();
  }

  function showDetails(): void {
    setCurrentDetails(connectionDetails(state, progress, lastOutcome, refreshInFlight !== null));
  }

  function auth(operation: AuthWebhookEvent['operation'], error: string | null): AuthWebhookEvent {
    return authEvent(state, operation, error, uuid4(), new Date());
  }

  /** Why a model's run must stop at this slice boundary, keeping its checkpoint; null while it may go on. */
  function stopReason(model: string): 'disabled' | 'paused' | 'draining' | null {
    if (disabling.has(model)) return 'disabled';
    if (deleting || draining) return 'draining';
    if (state.paused || state.models[model]?.paused) return 'paused';
    return null;
  }

  /**
   * The only way credentials are refreshed. Every caller that saw `seenGeneration` shares one refresh,
   * and a caller whose 401 came from an older token than the current one just retries: refreshes never overlap.
   */
  async function ensureFreshCredentials(seenGeneration: number): Promise<boolean> {
    if (state.credentials.generation > seenGeneration) return true;
    if (state.status === 'auth_error') return false;
    if (!refreshInFlight) {
      refreshScope = new CancellationScope();
      refreshInFlight = refreshScope.run(refreshCredentials).finally(() => {
        refreshInFlight = null;
        refreshScope = null;
      });
    }
    return refreshInFlight;
  }

  /**
   * Only the customer can fix a refused grant (`invalid_grant`): that parks the connection in auth_error. Anything
   * else (the token endpoint down for an hour, a timeout) makes it `degraded` and is retried with backoff for ever;
   * the app hears of it after `degradedNoticeAfterMs`, and again when it recovers.
   */
  async function refreshCredentials(): Promise<boolean> {
    const basedOn = state.credentials.generation;
    for (let failures = 0; ; failures++) {
      try {
        const refreshed = await refreshing().refreshCredentials({
          connectionId: state.connectionId,
          basedOnGeneration: state.credentials.generation,
        });
        state.credentials = { generation: refreshed.generation, refreshAt: refreshed.refreshAt };
        if (degradedNotParked && state.degraded) await recoverFromDegraded();
        return true;
      } catch (error) {
        if (deleting && isCancellation(error)) return false;
        const failure = failureOf(error);
        const lastAttempt = lastAttemptMessage(error);
        // After retrying for refreshRetryForMs the failure is a timeout; the reason worth showing is the last attempt's.
        const message = failure?.message ?? (lastAttempt ? `token endpoint kept failing; last attempt: ${lastAttempt}` : 'credential refresh failed');
        if (degradedNotParked) {
          // A reconnect stored newer credentials while this refresh failed: those are the ones that count.
          if (state.credentials.generation > basedOn) return true;
          if (failure?.type !== FailureType.invalidGrant) {
            await enterDegraded(message);
            await condition(() => draining || deleting || state.credentials.generation > basedOn, refreshBackoffMs(failures, Math.random()));
            if (state.credentials.generation > basedOn) return true;
            if (draining || deleting) return false;
            continue;
          }
        }
        state.degraded = null;
        setStatus('auth_error', message);
        await bookkeeping.setConnectionStatus({ connectionId: state.connectionId, status: 'auth_error', reason: message, until: null });
        await announce(auth('refresh', message));
        log.warn('connection parked in auth_error', { connectionId: state.connectionId });
        return false;
      }
    }
  }

  async function enterDegraded(reason: string): Promise<void> {
    const now = Date.now();
    state.degraded = { since: state.degraded?.since ?? now, reason, announced: state.degraded?.announced ?? false };
    if (state.status !== 'degraded' || state.statusReason !== reason) {
      if (!state.paused) setStatus('degraded', reason);
      await bookkeeping.setConnectionStatus({ connectionId: state.connectionId, status: 'degraded', reason, until: null });
    }
    const noticeAfterMs = state.settings.degradedNoticeAfterMs ?? DEFAULT_DEGRADED_NOTICE_AFTER_MS;
    if (!state.degraded.announced && now - state.degraded.since >= noticeAfterMs) {
      state.degraded.announced = true;
      await announce(auth('refresh', `${reason} (degraded since ${isoTime(state.degraded.since)}; retrying)`));
    }
  }

  async function recoverFromDegraded(): Promise<void> {
    const announced = state.degraded?.announced ?? false;
    state.degraded = null;
    if (state.status === 'degraded') {
      setStatus('active', null);
      await bookkeeping.setConnectionStatus({ connectionId: state.connectionId, status: 'active', reason: null, until: null });
    }
    if (announced) await announce(auth('refresh', null));
  }

  async function runModel(model: string, mode: SyncMode, resumeRunId: string | null): Promise<void> {
    const schedule = state.models[model];
    const runId = resumeRunId ?? `${state.connectionId}:${model}:${uuid4()}`;
    const startedAt = Date.now();
    schedule.activeRun = { runId, mode };
    if (!resumeRunId) {
      const begun = await bookkeeping.beginSyncRun({ connectionId: state.connectionId, model, mode, runId, settings: state.settings });
      // Histories from before settings came back replay with no answer here.
      if (begun?.settings) state.settings = begun.settings;
      // A version backfill turns an incremental run into a full one: show it as what it reads (display only).
      if (begun?.mode) schedule.activeRun = { runId, mode: begun.mode };
    }
    // A rate-limit wait that a continue-as-new (or a pause) interrupted is waited out first.
    if (schedule.rateLimitedUntil) {
      const rest = schedule.rateLimitedUntil - Date.now();
      if (rest > 0 && (await condition(() => stopReason(model) !== null, rest))) return;
      schedule.rateLimitedUntil = null;
      await rateLimitWaitOver();
    }

    let authRetries = 0;
    /** Rate-limit waits since the last slice that ended normally: what a hint-less backoff grows with. */
    let rateLimitWaits = 0;
    for (;;) {
      const stop = stopReason(model);
      if (stop === 'disabled') return endRun(model, runId, startedAt, { code: 'ModelDisabled', message: `${model} was disabled by the app` });
      if (stop) return; // resumed from its checkpoint after continue-as-new or when unpaused
      try {
        const sofar = progress.get(model) ?? { pages: 0, records: 0, slices: 0 };
        progress.set(model, sofar);
        const slice = await proxyActivities<Activities>(syncOptions()).syncModelSlice.executeWithOptions(
          { ...syncOptions(), summary: `${model}: ${schedule.activeRun?.mode ?? mode} sync, slice ${sofar.slices + 1}, after ${sofar.pages} pages / ${sofar.records} records` },
          [{ runId }],
        );
        sofar.slices++;
        sofar.pages += slice.pages;
        sofar.records += slice.recordsRead;
        showDetails();
        if (slice.pages > 0) authRetries = 0;
        rateLimitWaits = 0;
        if (slice.done) break;
      } catch (error) {
        // The connection is being deleted: its data goes too, so there is nothing to record about this run.
        if (deleting) return;
        const failure = failureOf(error);
        if (failure?.type === FailureType.credentialsExpired && authRetries < MAX_AUTH_RETRIES_PER_RUN) {
          authRetries++;
          const details = failure.details?.[0] as CredentialsExpiredDetails | undefined;
          if (await ensureFreshCredentials(details?.generation ?? state.credentials.generation)) continue;
          if (degradedNotParked && stopReason(model) !== null) continue; // stops at the top, keeping its checkpoint
        } else if (failure?.type === FailureType.rateLimited) {
          const details = failure.details?.[0] as RateLimitedDetails;
          await waitForRateLimit(model, details, rateLimitWaits++);
          continue;
        }
        return endRun(model, runId, startedAt, { code: failure?.type ?? 'SyncFailed', message: failure?.message ?? String(error) });
      }
    }
    return endRun(model, runId, startedAt, null);
  }

  /** Records how a run ended, schedules the model's next one and tells the app what changed. */
  async function endRun(model: string, runId: string, startedAt: number, error: { code: string; message: string } | null): Promise<void> {
    const schedule = state.models[model];
    schedule.activeRun = null;
    schedule.nextRunAt = nextRunAfter(startedAt, schedule.frequencyMs, Date.now());
    progress.delete(model);
    if (error) {
      lastOutcome.set(model, `failed at ${isoTime(Date.now())}: ${error.message}`);
      const partial = await bookkeeping.failSyncRun({ runId, ...error, nextRunAt: schedule.nextRunAt });
      // What the run stored before failing is in the feed; the next run would find it unchanged and never say so.
      // (Histories from before this returned nothing here, so they replay without the announcement.)
      if (partial) await announce(syncEvent(partial));
      return;
    }
    const summary = await bookkeeping.finishSyncRun({ runId, nextRunAt: schedule.nextRunAt });
    lastOutcome.set(model, `succeeded at ${summary.finishedAt}: ${summary.added} added, ${summary.updated} updated, ${summary.deleted} deleted`);
    if (summary.added + summary.updated + summary.deleted > 0) await announce(syncEvent(summary));
  }

  /**
   * Waits what the provider asked for; when it named no wait, a full-jitter exponential backoff over the run's
   * consecutive waits. Math.random here is the workflow's seeded one, so a replay draws the same wait; failures
   * from before backoff existed carry no `backoff` and replay with their fixed wait, so no patch is needed.
   */
  async function waitForRateLimit(model: string, details: RateLimitedDetails, previousWaits: number): Promise<void> {
    const waitMs = details.backoff ? fullJitterBackoffMs(details.backoff, previousWaits, Math.random()) : details.waitMs;
    const until = Date.now() + waitMs;
    setStatus('rate_limited', details.reason);
    await bookkeeping.setConnectionStatus({ connectionId: state.connectionId, status: 'rate_limited', reason: details.reason, until });
    // A timer, not a sleeping activity: no worker slot is held while the provider's window refills.
    if (continueAsNewWhileWaiting) {
      // Remembered in the state, so a continue-as-new (or a pause) during the wait resumes the rest of it.
      state.models[model].rateLimitedUntil = until;
      if (await condition(() => stopReason(model) !== null, waitMs)) return;
      state.models[model].rateLimitedUntil = null;
    } else {
      await sleep(waitMs);
    }
    await rateLimitWaitOver();
  }

  async function rateLimitWaitOver(): Promise<void> {
    if (state.status === 'rate_limited') {
      setStatus('active', null);
      await bookkeeping.setConnectionStatus({ connectionId: state.connectionId, status: 'active', reason: null, until: null });
    }
  }

  /** Webhooks are delivered by their own workflow, so retries for hours never hold this one back. */
  async function announce(event: SyncWebhookEvent | AuthWebhookEvent): Promise<void> {
    try {
      await startChild(webhookDeliveryWorkflow, {
        workflowId: `webhook:${event.id}`,
        args: [event, { retryForMs: state.settings.webhookRetryForMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      // Already started by this workflow before a replay or continue-as-new: the event is on its way.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  function launch(model: string, mode: SyncMode, resumeRunId: string | null): void {
    // Resuming a run after continue-as-new must keep a sync asked for meanwhile; releases before the patch dropped it.
    if (!resumeRunId || !continueAsNewWhileWaiting) state.models[model].requestedMode = null;
    const scope = new CancellationScope();
    runScopes.set(model, scope);
    const run = scope
      .run(() => runModel(model, mode, resumeRunId))
      .catch((error: unknown) => {
        // A delete cancelled the run; anything else is a bug that must fail the workflow task, not vanish.
        if (!(deleting && isCancellation(error))) throw error;
      })
      .finally(() => {
        running.delete(model);
        runScopes.delete(model);
        if (disabling.delete(model)) delete state.models[model];
        wake = true;
      });
    running.set(model, run);
  }

  function launchRefresh(seenGeneration: number): void {
    void ensureFreshCredentials(seenGeneration)
      .catch((error: unknown) => {
        if (!(deleting && isCancellation(error))) throw error;
      })
      .finally(() => {
        wake = true;
      });
  }

  const historyIsLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= state.settings.continueAsNewAfterEvents;
  const wakeUp = () => wake || (continueAsNewWhileWaiting && historyIsLong());

  // Runs that were in flight when the previous run continued as new pick up from their checkpoints.
  for (const [model, schedule] of Object.entries(state.models)) {
    if (schedule.activeRun) launch(model, schedule.activeRun.mode, schedule.activeRun.runId);
  }

  for (;;) {
    while (authAnnouncements.length > 0) await announce(authAnnouncements.shift() as AuthWebhookEvent);
    if (deleting) return deleteConnection();
    if (historyIsLong()) {
      draining = true;
      await condition(() => running.size === 0 && refreshInFlight === null);
      await condition(allHandlersFinished);
      while (authAnnouncements.length > 0) await announce(authAnnouncements.shift() as AuthWebhookEvent);
      if (deleting) return deleteConnection();
      if (settingsFromWorker) state.settings = await bookkeeping.currentWorkflowSettings(state.settings);
      return continueAsNew<typeof connectionWorkflow>(state);
    }

    const now = Date.now();
    if (state.status !== 'auth_error' && !state.paused) {
      if (state.credentials.refreshAt !== null && now >= state.credentials.refreshAt && refreshInFlight === null) {
        state.credentials.refreshAt = null;
        launchRefresh(state.credentials.generation);
      } else if (refreshWanted !== null && refreshInFlight === null) {
        const refused = refreshWanted;
        refreshWanted = null;
        launchRefresh(refused);
      }
    }
    for (const due of launchesDue(state, new Set(running.keys()), now)) launch(due.model, due.mode, due.resumeRunId);

    const wakeAt = nextWakeAt(state, new Set(running.keys()));
    showDetails();
    wake = false;
    if (wakeAt === undefined) await condition(wakeUp);
    else await condition(wakeUp, Math.max(1, wakeAt - Date.now()));
  }

  /** Every run was cancelled by the signal; the workflow ends once none is left writing, and the API removes the data. */
  async function deleteConnection(): Promise<void> {
    await condition(() => running.size === 0 && refreshInFlight === null);
    log.info('connection workflow ended for delete', { connectionId: state.connectionId });
  }
}

