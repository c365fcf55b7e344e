// One long-running workflow per connection: it owns the schedule and the credentials, runs syncs and announces changes.
import {
  ActivityFailure,
  ApplicationFailure,
  ParentClosePolicy,
  allHandlersFinished,
  condition,
  continueAsNew,
  defineQuery,
  defineSignal,
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
import type { SyncMode, SyncRunSummary } from '../contracts/activity-messages';
import type {
  ConnectionWorkflowInput,
  ConnectionWorkflowStatus,
  ReauthorizedNotice,
  SyncRequest,
} from '../contracts/connection-workflow-messages';
import { FailureType, type CredentialsExpiredDetails, type RateLimitedDetails } from '../contracts/failure-types';
import { StatusAttribute } from '../contracts/search-attributes';
import type { AuthWebhookEvent, SyncWebhookEvent } from '../contracts/webhook-events';
import { fullJitterBackoffMs } from '../sync/rate-limit-waits';
import { webhookDeliveryWorkflow } from './webhook-delivery-workflow';

export const syncRequestedSignal = defineSignal<[SyncRequest]>('syncRequested');
export const reauthorizedSignal = defineSignal<[ReauthorizedNotice]>('reauthorized');
export const connectionStateQuery = defineQuery<ConnectionWorkflowInput>('connectionState');

/** A sync that hits 401 this many times in a row, each time with fresh credentials, is failed instead of looping. */
const MAX_AUTH_RETRIES_PER_RUN = 5;

export async function connectionWorkflow(input: ConnectionWorkflowInput): Promise<void> {
  const state: ConnectionWorkflowInput = input;
  const { settings } = state;

  const bookkeeping = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    // The database may be down for a while; bookkeeping waits for it rather than failing a run.
    retry: { initialInterval: '1 second', maximumInterval: '30 seconds' },
  });
  const syncOptions: ActivityOptions = {
    startToCloseTimeout: settings.sliceTimeoutMs,
    heartbeatTimeout: settings.heartbeatTimeoutMs,
    retry: {
      initialInterval: '1 second',
      maximumInterval: '1 minute',
      maximumAttempts: 10,
      nonRetryableErrorTypes: [FailureType.credentialsExpired, FailureType.rateLimited, FailureType.providerRejected, FailureType.gone],
    },
  };
  const syncing = proxyActivities<Activities>(syncOptions);
  const refreshing = proxyActivities<Activities>({
    startToCloseTimeout: '1 minute',
    scheduleToCloseTimeout: settings.refreshRetryForMs,
    retry: { initialInterval: '1 second', maximumInterval: '1 minute', nonRetryableErrorTypes: [FailureType.invalidGrant] },
  });

  const running = new Map<string, Promise<void>>();
  /** What operators read in the UI: progress of the runs in flight and how each model's last run ended. */
  const progress = new Map<string, { pages: number; records: number; slices: number }>();
  const lastOutcome = new Map<string, string>();
  let refreshInFlight: Promise<boolean> | null = null;
  let draining = false;
  let wake = false;
  /** Auth webhooks owed to the app, sent from the main loop (signal handlers do not start child workflows). */
  const authAnnouncements: AuthWebhookEvent[] = [];

  // A fresh start (not a continue-as-new) tells the app the connection is authorised. Patched: workflows started
  // before this existed replay without the extra child workflow.
  if (patched('announce-auth-on-start')) {
    const owed = state.announceAuth === undefined && !workflowInfo().continuedFromExecutionRunId ? 'creation' : state.announceAuth;
    state.announceAuth = null;
    if (owed) authAnnouncements.push(authEvent(owed, null));
  }

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
    if (state.status === 'auth_error') {
      setStatus('active', null);
      // The runs that failed while parked pushed their schedules out; the customer just reconnected, so catch up now.
      for (const schedule of Object.values(state.models)) schedule.requestedMode ??= 'incremental';
    }
    authAnnouncements.push(authEvent('reauthorization', null));
    wake = true;
  });
  setHandler(connectionStateQuery, () => state);

  function setStatus(status: ConnectionWorkflowStatus, reason: string | null): void {
    state.status = status;
    state.statusReason = reason;
    upsertSearchAttributes([{ key: StatusAttribute, value: status }]);
    showDetails();
  }

  /** The workflow's "current details" in the Temporal UI: in words, what this connection is doing and why. */
  function showDetails(): void {
    const lines = [`**${state.status}**${state.statusReason ? `: ${state.statusReason}` : ''}`, ''];
    for (const [model, schedule] of Object.entries(state.models)) {
      const now = progress.get(model);
      if (schedule.activeRun && now) {
        lines.push(`- ${model}: ${schedule.activeRun.mode} sync running, ${now.pages} pages / ${now.records} records so far`);
      } else if (schedule.activeRun) {
        lines.push(`- ${model}: ${schedule.activeRun.mode} sync starting`);
      } else {
        lines.push(`- ${model}: next run ${schedule.requestedMode ? 'requested now' : `at ${isoTime(schedule.nextRunAt)}`}`);
      }
      const outcome = lastOutcome.get(model);
      if (outcome) lines.push(`  - last run ${outcome}`);
    }
    if (refreshInFlight) lines.push('', 'refreshing credentials');
    else if (state.credentials.refreshAt !== null) lines.push('', `credentials refresh at ${isoTime(state.credentials.refreshAt)}`);
    setCurrentDetails(lines.join('\n'));
  }

  /**
   * The only way credentials are refreshed. Every caller that saw `seenGeneration` shares one refresh,
   * and a caller whose 401 came from an older token than the current one just retries: refreshes never overlap.
   */
  async function ensureFreshCredentials(seenGeneration: number): Promise<boolean> {
    if (state.credentials.generation > seenGeneration) return true;
    if (state.status === 'auth_error') return false;
    refreshInFlight ??= refreshCredentials().finally(() => {
      refreshInFlight = null;
    });
    return refreshInFlight;
  }

  async function refreshCredentials(): Promise<boolean> {
    try {
      const refreshed = await refreshing.refreshCredentials({
        connectionId: state.connectionId,
        basedOnGeneration: state.credentials.generation,
      });
      state.credentials = { generation: refreshed.generation, refreshAt: refreshed.refreshAt };
      return true;
    } catch (error) {
      // After retrying for refreshRetryForMs the failure is a timeout; the reason worth showing is the last attempt's.
      const message = failureOf(error)?.message ?? lastAttemptFailure(error) ?? 'credential refresh failed';
      setStatus('auth_error', message);
      await bookkeeping.setConnectionStatus({ connectionId: state.connectionId, status: 'auth_error', reason: message, until: null });
      await announce(authEvent('refresh', message));
      log.warn('connection parked in auth_error', { connectionId: state.connectionId });
      return false;
    }
  }

  async function runModel(model: string, mode: SyncMode, resumeRunId: string | null): Promise<void> {
    const schedule = state.models[model];
    const runId = resumeRunId ?? `${state.connectionId}:${model}:${uuid4()}`;
    const startedAt = Date.now();
    schedule.activeRun = { runId, mode };
    if (!resumeRunId) await bookkeeping.beginSyncRun({ connectionId: state.connectionId, model, mode, runId });

    const nextRunAt = () => Math.max(startedAt + schedule.frequencyMs, Date.now());
    let authRetries = 0;
    /** Rate-limit waits since the last slice that ended normally: what a hint-less backoff grows with. */
    let rateLimitWaits = 0;
    for (;;) {
      if (draining) return; // resumed from its checkpoint after continue-as-new
      try {
        const sofar = progress.get(model) ?? { pages: 0, records: 0, slices: 0 };
        progress.set(model, sofar);
        const slice = await syncing.syncModelSlice.executeWithOptions(
          { ...syncOptions, summary: `${model}: ${mode} sync, slice ${sofar.slices + 1}, after ${sofar.pages} pages / ${sofar.records} records` },
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
        const failure = failureOf(error);
        if (failure?.type === FailureType.credentialsExpired && authRetries < MAX_AUTH_RETRIES_PER_RUN) {
          authRetries++;
          const details = failure.details?.[0] as CredentialsExpiredDetails | undefined;
          if (await ensureFreshCredentials(details?.generation ?? state.credentials.generation)) continue;
        } else if (failure?.type === FailureType.rateLimited) {
          const details = failure.details?.[0] as RateLimitedDetails;
          await waitForRateLimit(details, rateLimitWaits++);
          continue;
        }
        schedule.activeRun = null;
        schedule.nextRunAt = nextRunAt();
        progress.delete(model);
        lastOutcome.set(model, `failed at ${isoTime(Date.now())}: ${failure?.message ?? 'sync failed'}`);
        const partial = await bookkeeping.failSyncRun({
          runId,
          code: failure?.type ?? 'SyncFailed',
          message: failure?.message ?? String(error),
          nextRunAt: schedule.nextRunAt,
        });
        // What the run stored before failing is in the feed; the next run would find it unchanged and never say so.
        // (Histories from before this returned nothing here, so they replay without the announcement.)
        if (partial) await announce(syncEvent(partial));
        return;
      }
    }
    schedule.activeRun = null;
    schedule.nextRunAt = nextRunAt();
    progress.delete(model);
    const summary = await bookkeeping.finishSyncRun({ runId, nextRunAt: schedule.nextRunAt });
    lastOutcome.set(model, `succeeded at ${summary.finishedAt}: ${summary.added} added, ${summary.updated} updated, ${summary.deleted} deleted`);
    if (summary.added + summary.updated + summary.deleted > 0) await announce(syncEvent(summary));
  }

  /**
   * Waits what the provider asked for; when it named no wait, a full-jitter exponential backoff over the run's
   * consecutive waits. Math.random here is the workflow's seeded one, so a replay draws the same wait; failures
   * from before backoff existed carry no `backoff` and replay with their fixed wait, so no patch is needed.
   */
  async function waitForRateLimit(details: RateLimitedDetails, previousWaits: number): Promise<void> {
    const waitMs = details.backoff ? fullJitterBackoffMs(details.backoff, previousWaits, Math.random()) : details.waitMs;
    const until = Date.now() + waitMs;
    setStatus('rate_limited', details.reason);
    await bookkeeping.setConnectionStatus({ connectionId: state.connectionId, status: 'rate_limited', reason: details.reason, until });
    // A timer, not a sleeping activity: no worker slot is held while the provider's window refills.
    await sleep(waitMs);
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
        args: [event, { retryForMs: settings.webhookRetryForMs }],
        parentClosePolicy: ParentClosePolicy.ABANDON,
      });
    } catch (error) {
      // Already started by this workflow before a replay or continue-as-new: the event is on its way.
      if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    }
  }

  function syncEvent(summary: SyncRunSummary): SyncWebhookEvent {
    const query = `connectionId=${encodeURIComponent(summary.connectionId)}&model=${summary.model}&cursor=${summary.fromCursor}`;
    return {
      id: summary.runId,
      type: 'sync',
      connectionId: summary.connectionId,
      integration: summary.integration,
      model: summary.model,
      mode: summary.mode,
      status: summary.status,
      added: summary.added,
      updated: summary.updated,
      deleted: summary.deleted,
      // Absent from summaries made before the field existed (history replayed after an upgrade).
      invalidRecords: summary.invalidRecords ?? 0,
      startedAt: summary.startedAt,
      finishedAt: summary.finishedAt,
      changes: { cursor: summary.fromCursor, endCursor: summary.toCursor, path: `/records?${query}` },
    };
  }

  /** `error` null: the operation succeeded. Only failed refreshes are announced; successful ones are routine. */
  function authEvent(operation: AuthWebhookEvent['operation'], error: string | null): AuthWebhookEvent {
    return {
      id: `auth:${state.connectionId}:${uuid4()}`,
      type: 'auth',
      connectionId: state.connectionId,
      integration: state.integration,
      operation,
      success: error === null,
      error,
      at: new Date().toISOString(),
    };
  }

  function launch(model: string, mode: SyncMode, resumeRunId: string | null): void {
    state.models[model].requestedMode = null;
    const run = runModel(model, mode, resumeRunId).finally(() => {
      running.delete(model);
      wake = true;
    });
    running.set(model, run);
  }

  function launchProactiveRefresh(): void {
    state.credentials.refreshAt = null;
    void ensureFreshCredentials(state.credentials.generation).finally(() => {
      wake = true;
    });
  }

  const historyIsLong = () =>
    workflowInfo().continueAsNewSuggested || workflowInfo().historyLength >= settings.continueAsNewAfterEvents;

  // Runs that were in flight when the previous run continued as new pick up from their checkpoints.
  for (const [model, schedule] of Object.entries(state.models)) {
    if (schedule.activeRun) launch(model, schedule.activeRun.mode, schedule.activeRun.runId);
  }

  for (;;) {
    while (authAnnouncements.length > 0) await announce(authAnnouncements.shift() as AuthWebhookEvent);
    if (historyIsLong()) {
      draining = true;
      await condition(() => running.size === 0 && refreshInFlight === null);
      await condition(allHandlersFinished);
      while (authAnnouncements.length > 0) await announce(authAnnouncements.shift() as AuthWebhookEvent);
      return continueAsNew<typeof connectionWorkflow>(state);
    }

    const now = Date.now();
    if (state.status !== 'auth_error') {
      if (state.credentials.refreshAt !== null && now >= state.credentials.refreshAt && refreshInFlight === null) {
        launchProactiveRefresh();
      }
      for (const [model, schedule] of Object.entries(state.models)) {
        if (running.has(model)) continue;
        if (schedule.requestedMode) launch(model, schedule.requestedMode, null);
        else if (now >= schedule.nextRunAt) launch(model, 'incremental', null);
      }
    }

    const dueTimes = Object.entries(state.models)
      .filter(([model]) => !running.has(model))
      .map(([, schedule]) => schedule.nextRunAt);
    if (state.credentials.refreshAt !== null) dueTimes.push(state.credentials.refreshAt);
    const sleepMs = state.status === 'auth_error' || dueTimes.length === 0 ? undefined : Math.max(1, Math.min(...dueTimes) - Date.now());
    showDetails();
    wake = false;
    if (sleepMs === undefined) await condition(() => wake);
    else await condition(() => wake, sleepMs);
  }
}

function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

function failureOf(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure && error.cause instanceof ApplicationFailure) return error.cause;
  if (error instanceof ApplicationFailure) return error;
  return undefined;
}

/** The message of the innermost failure in a chain (ActivityFailure → TimeoutFailure → the last attempt's failure). */
function lastAttemptFailure(error: unknown): string | undefined {
  let current: unknown = error;
  let message: string | undefined;
  while (current instanceof Error) {
    if (current instanceof ApplicationFailure) message = current.message;
    current = current.cause;
  }
  return message ? `token endpoint kept failing; last attempt: ${message}` : undefined;
}
