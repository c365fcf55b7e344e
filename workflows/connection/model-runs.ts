// A connection's sync runs, one per model at most: slice after slice until done, through expired tokens and rate limits, then recorded and announced.
import { CancellationScope, condition, isCancellation, proxyActivities, sleep, uuid4 } from '@temporalio/workflow';
import type { Activities } from '../../activities';
import type { SyncMode } from '../../contracts/sync-mode';
import { rateLimitWaitMs } from '../../contracts/provider-waits';
import { FailureType, type CredentialsExpiredDetails, type RateLimitedDetails } from '../../contracts/failure-types';
import type { Announcements } from './announcements';
import type { ConnectionActivities } from './connection-activities';
import type { ConnectionState } from './connection-state';
import type { Credentials } from './credentials';
import { isoTime, type ModelProgress } from './details';
import { failureOf } from './failures';
import type { Lifecycle } from './lifecycle';
import { nextRunAfter } from './schedule';
import { syncEventOfAnswer, type SyncRunAnswer } from './webhook-events';

/** A sync that hits 401 this many times in a row, each time with fresh credentials, is failed instead of looping. */
export const MAX_AUTH_RETRIES_PER_RUN = 5;

/** What a run does after a slice failed: refresh the token and go on, wait out a rate limit and go on, or end failed. */
export function afterFailedSlice(error: unknown, authRetries: number): 'refresh' | 'wait' | 'fail' {
  const type = failureOf(error)?.type;
  if (type === FailureType.credentialsExpired && authRetries < MAX_AUTH_RETRIES_PER_RUN) return 'refresh';
  if (type === FailureType.rateLimited) return 'wait';
  return 'fail';
}

/** How a failed run is recorded: the activity's own failure when there is one. */
export function runError(error: unknown): { code: string; message: string } {
  const failure = failureOf(error);
  return { code: failure?.type ?? 'SyncFailed', message: failure?.message ?? String(error) };
}

/** The activity summary operators read in the UI's event history. */
export function sliceSummary(model: string, mode: SyncMode, sofar: ModelProgress): string {
  return `${model}: ${mode} sync, slice ${sofar.slices + 1}, after ${sofar.pages} pages / ${sofar.records} records`;
}

export function succeededOutcome(summary: Pick<SyncRunAnswer, 'finishedAt' | 'added' | 'updated' | 'deleted'>): string {
  return `succeeded at ${summary.finishedAt}: ${summary.added} added, ${summary.updated} updated, ${summary.deleted} deleted`;
}

export interface ModelRunParts {
  state: ConnectionState;
  lifecycle: Lifecycle;
  activities: ConnectionActivities;
  credentials: Credentials;
  announcements: Announcements;
  /** The `continue-as-new-while-waiting` patch. */
  continueAsNewWhileWaiting: boolean;
  /** The `degraded-not-parked` patch. */
  degradedNotParked: boolean;
  showDetails(): void;
}

export class ModelRuns {
  readonly #running = new Map<string, Promise<void>>();
  /** One per run in flight, so a delete can cancel them all. */
  readonly #scopes = new Map<string, CancellationScope>();
  /** Models the app disabled while their run was in flight: the run is ended at its next slice boundary. */
  readonly #disabling = new Set<string>();
  /** What operators read in the UI: progress of the runs in flight and how each model's last run ended. */
  readonly progress = new Map<string, ModelProgress>();
  readonly lastOutcome = new Map<string, string>();

  constructor(private readonly parts: ModelRunParts) {}

  /** The models with a run in flight. */
  inFlight(): Set<string> {
    return new Set(this.#running.keys());
  }

  get count(): number {
    return this.#running.size;
  }

  /** Runs that were in flight when the previous run continued as new pick up from their checkpoints. */
  resumeInterrupted(): void {
    for (const [model, schedule] of Object.entries(this.parts.state.models)) {
      if (schedule.activeRun) this.launch(model, schedule.activeRun.mode, schedule.activeRun.runId);
    }
  }

  launch(model: string, mode: SyncMode, resumeRunId: string | null): void {
    const { state, lifecycle, continueAsNewWhileWaiting } = this.parts;
    // Resuming a run after continue-as-new must keep a sync asked for meanwhile; releases before the patch dropped it.
    if (!resumeRunId || !continueAsNewWhileWaiting) state.models[model].requestedMode = null;
    const scope = new CancellationScope();
    this.#scopes.set(model, scope);
    const run = scope
      .run(() => this.runModel(model, mode, resumeRunId))
      .catch((error: unknown) => {
        // A delete cancelled the run; anything else is a bug that must fail the workflow task, not vanish.
        if (!(lifecycle.deleting && isCancellation(error))) throw error;
      })
      .finally(() => {
        this.#running.delete(model);
        this.#scopes.delete(model);
        if (this.#disabling.delete(model)) delete state.models[model];
        lifecycle.wake = true;
      });
    this.#running.set(model, run);
  }

  /** A delete: every run stops where it is (a slice waits until it has really stopped writing). */
  cancelAll(): void {
    for (const scope of this.#scopes.values()) scope.cancel();
  }

  /** The app disabled the model: gone at once when idle, else once its run ends at the next slice boundary. */
  disable(model: string): void {
    if (this.#running.has(model)) this.#disabling.add(model);
    else delete this.parts.state.models[model];
  }

  /** The app enabled the model (again): a run that was to end for its disabling goes on. */
  enable(model: string): void {
    this.#disabling.delete(model);
  }

  /** Why a model's run must stop at this slice boundary, keeping its checkpoint; null while it may go on. */
  stopReason(model: string): 'disabled' | 'paused' | 'draining' | null {
    const { state, lifecycle } = this.parts;
    if (this.#disabling.has(model)) return 'disabled';
    if (lifecycle.stopping) return 'draining';
    if (state.paused || state.models[model]?.paused) return 'paused';
    return null;
  }

  private async runModel(model: string, mode: SyncMode, resumeRunId: string | null): Promise<void> {
    const { state, lifecycle, activities, credentials, degradedNotParked } = this.parts;
    const schedule = state.models[model];
    const runId = resumeRunId ?? `${state.connectionId}:${model}:${uuid4()}`;
    const startedAt = Date.now();
    schedule.activeRun = { runId, mode };
    if (!resumeRunId) {
      const begun = await activities.bookkeeping.beginSyncRun({ connectionId: state.connectionId, model, mode, runId, settings: state.settings });
      // Histories from before settings came back replay with no answer here.
      if (begun?.settings) state.settings = begun.settings;
      // A version backfill turns an incremental run into a full one: show it as what it reads (display only).
      if (begun?.mode) schedule.activeRun = { runId, mode: begun.mode };
    }
    // A rate-limit wait that a continue-as-new (or a pause) interrupted is waited out first.
    if (schedule.rateLimitedUntil) {
      const rest = schedule.rateLimitedUntil - Date.now();
      if (rest > 0 && (await condition(() => this.stopReason(model) !== null, rest))) return;
      schedule.rateLimitedUntil = null;
      await this.rateLimitWaitOver();
    }

    let authRetries = 0;
    /** Rate-limit waits since the last slice that ended normally: what a hint-less backoff grows with. */
    let rateLimitWaits = 0;
    for (;;) {
      const stop = this.stopReason(model);
      if (stop === 'disabled') return this.endRun(model, runId, startedAt, { code: 'ModelDisabled', message: `${model} was disabled by the app` });
      if (stop) return; // resumed from its checkpoint after continue-as-new or when unpaused
      try {
        const sofar = this.progress.get(model) ?? { pages: 0, records: 0, slices: 0 };
        this.progress.set(model, sofar);
        const slice = await proxyActivities<Activities>(activities.syncOptions()).syncModelSlice.executeWithOptions(
          { ...activities.syncOptions(), summary: sliceSummary(model, schedule.activeRun?.mode ?? mode, sofar) },
          [{ runId }],
        );
        sofar.slices++;
        sofar.pages += slice.pages;
        sofar.records += slice.recordsRead;
        this.parts.showDetails();
        if (slice.pages > 0) authRetries = 0;
        rateLimitWaits = 0;
        if (slice.done) break;
      } catch (error) {
        // The connection is being deleted: its data goes too, so there is nothing to record about this run.
        if (lifecycle.deleting) return;
        const next = afterFailedSlice(error, authRetries);
        if (next === 'refresh') {
          authRetries++;
          const details = failureOf(error)?.details?.[0] as CredentialsExpiredDetails | undefined;
          if (await credentials.ensureFresh(details?.generation ?? state.credentials.generation)) continue;
          if (degradedNotParked && this.stopReason(model) !== null) continue; // stops at the top, keeping its checkpoint
        } else if (next === 'wait') {
          await this.waitForRateLimit(model, failureOf(error)?.details?.[0] as RateLimitedDetails, rateLimitWaits++);
          continue;
        }
        return this.endRun(model, runId, startedAt, runError(error));
      }
    }
    return this.endRun(model, runId, startedAt, null);
  }

  /** Records how a run ended, schedules the model's next one and tells the app what changed. */
  private async endRun(model: string, runId: string, startedAt: number, error: { code: string; message: string } | null): Promise<void> {
    const { state, activities, announcements } = this.parts;
    const schedule = state.models[model];
    schedule.activeRun = null;
    schedule.nextRunAt = nextRunAfter(startedAt, schedule.frequencyMs, Date.now());
    this.progress.delete(model);
    if (error) {
      this.lastOutcome.set(model, `failed at ${isoTime(Date.now())}: ${error.message}`);
      const partial: SyncRunAnswer | null = await activities.bookkeeping.failSyncRun({ runId, ...error, nextRunAt: schedule.nextRunAt });
      // What the run stored before failing is in the feed; the next run would find it unchanged and never say so.
      // (Histories from before this returned nothing here, so they replay without the announcement.)
      if (partial) await announcements.send(syncEventOfAnswer(partial));
      return;
    }
    const summary: SyncRunAnswer = await activities.bookkeeping.finishSyncRun({ runId, nextRunAt: schedule.nextRunAt });
    this.lastOutcome.set(model, succeededOutcome(summary));
    if (summary.added + summary.updated + summary.deleted > 0) await announcements.send(syncEventOfAnswer(summary));
  }

  private async waitForRateLimit(model: string, details: RateLimitedDetails, previousWaits: number): Promise<void> {
    const { state, continueAsNewWhileWaiting } = this.parts;
    const waitMs = rateLimitWaitMs(details, previousWaits, Math.random);
    const until = Date.now() + waitMs;
    await state.setStatus('rate_limited', details.reason, { until });
    // A timer, not a sleeping activity: no worker slot is held while the provider's window refills.
    if (continueAsNewWhileWaiting) {
      // Remembered in the state, so a continue-as-new (or a pause) during the wait resumes the rest of it.
      state.models[model].rateLimitedUntil = until;
      if (await condition(() => this.stopReason(model) !== null, waitMs)) return;
      state.models[model].rateLimitedUntil = null;
    } else {
      await sleep(waitMs);
    }
    await this.rateLimitWaitOver();
  }

  private async rateLimitWaitOver(): Promise<void> {
    const { state } = this.parts;
    if (state.status === 'rate_limited') await state.setStatus('active', null);
  }
}
