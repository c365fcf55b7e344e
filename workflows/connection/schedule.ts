// Which models a connection should start syncing now, and when it next needs to wake: pure decisions over its state.
import type { SyncMode } from '../../contracts/sync-mode';
import type { ConnectionState } from '../../contracts/connection-workflow-messages';
import { fullJitterBackoffMs } from '../../contracts/provider-waits';

export interface Launch {
  model: string;
  mode: SyncMode;
  /** Set when the model has a run in flight that stopped at a slice boundary (pause, continue-as-new): resume it. */
  resumeRunId: string | null;
}

/** A parked (auth_error) or paused connection starts nothing; a paused model is skipped. */
export function isIdle(state: ConnectionState): boolean {
  return state.status === 'auth_error' || state.paused === true;
}

export function launchesDue(state: ConnectionState, running: ReadonlySet<string>, now: number): Launch[] {
  if (isIdle(state)) return [];
  const launches: Launch[] = [];
  for (const [model, schedule] of Object.entries(state.models)) {
    if (running.has(model) || schedule.paused) continue;
    if (schedule.activeRun) launches.push({ model, mode: schedule.activeRun.mode, resumeRunId: schedule.activeRun.runId });
    else if (schedule.requestedMode) launches.push({ model, mode: schedule.requestedMode, resumeRunId: null });
    else if (now >= schedule.nextRunAt) launches.push({ model, mode: 'incremental', resumeRunId: null });
  }
  return launches;
}

/** Epoch ms of the next scheduled run or credential refresh; undefined when only a message can wake the connection. */
export function nextWakeAt(state: ConnectionState, running: ReadonlySet<string>): number | undefined {
  if (isIdle(state)) return undefined;
  const dueTimes = Object.entries(state.models)
    .filter(([model, schedule]) => !running.has(model) && !schedule.paused)
    .map(([, schedule]) => schedule.nextRunAt);
  if (state.credentials.refreshAt !== null) dueTimes.push(state.credentials.refreshAt);
  return dueTimes.length === 0 ? undefined : Math.min(...dueTimes);
}

/** The next run of a model is one period after its run started, or now if the run took longer than that. */
export function nextRunAfter(startedAt: number, frequencyMs: number, now: number): number {
  return Math.max(startedAt + frequencyMs, now);
}

/**
 * Full-jitter exponential backoff for a token endpoint that keeps failing: retried for ever, never more than `capMs`
 * apart. `random` is the workflow's seeded Math.random, so a replay draws the same waits.
 */
export function refreshBackoffMs(failures: number, random: number, baseMs = 5_000, capMs = 300_000): number {
  return fullJitterBackoffMs({ baseMs, capMs }, failures, random);
}
