// The connection workflow's messages and what each does: a handler changes the state, owes what it cannot do itself, and wakes the loop.
//
// Handlers start no activity, timer or child workflow: the main loop does, so a message never races a command.
import { defineQuery, defineSignal, setHandler } from '@temporalio/workflow';
import type {
  ConnectionChange,
  ConnectionState as ConnectionStateJSON,
  CredentialsExpiredNotice,
  ReauthorizedNotice,
  SyncRequest,
} from '../../contracts/connection-workflow-messages';
import type { Announcements } from './announcements';
import type { ConnectionState } from './connection-state';
import type { Credentials } from './credentials';
import type { Lifecycle } from './lifecycle';
import type { ModelRuns } from './model-runs';

export const syncRequestedSignal = defineSignal<[SyncRequest]>('syncRequested');
export const reauthorizedSignal = defineSignal<[ReauthorizedNotice]>('reauthorized');
/** An action or the proxy was refused the token of `generation`: refresh it, unless newer credentials exist already. */
export const credentialsExpiredSignal = defineSignal<[CredentialsExpiredNotice]>('credentialsExpired');
/** `PATCH /connections/:id`: models enabled or disabled, frequencies, pause and resume. */
export const connectionChangedSignal = defineSignal<[ConnectionChange]>('connectionChanged');
/** `DELETE /connections/:id`: stop every run, wait until none writes any more, end; the API then removes the data. */
export const deleteRequestedSignal = defineSignal('deleteRequested');
export const connectionStateQuery = defineQuery<ConnectionStateJSON>('connectionState');

/** A sync asked for: taken when each model is next idle, and a full one is never downgraded to incremental. */
export function requestSync(state: ConnectionState, request: SyncRequest): void {
  for (const model of request.models ?? Object.keys(state.models)) {
    const schedule = state.models[model];
    if (!schedule) continue;
    schedule.requestedMode = schedule.requestedMode === 'full' ? 'full' : request.mode;
  }
}

/** The customer connected again with credentials of `generation`, already stored by the API. */
export function takeReauthorization(state: ConnectionState, notice: ReauthorizedNotice): void {
  state.credentials = { generation: Math.max(state.credentials.generation, notice.generation), refreshAt: null };
  if (state.status === 'auth_error' || state.status === 'degraded') {
    state.degraded = null;
    state.setStatus(state.paused ? 'paused' : 'active', null, { storedBy: 'api' });
    // The runs that failed while parked pushed their schedules out; the customer just reconnected, so catch up now.
    for (const schedule of Object.values(state.models)) schedule.requestedMode ??= 'incremental';
  }
}

/** What the app changed (already validated and stored by the API): models enabled, disabled, rescheduled, paused. */
export function applyChange(state: ConnectionState, runs: Pick<ModelRuns, 'disable' | 'enable'>, change: ConnectionChange): void {
  for (const [model, wanted] of Object.entries(change.models ?? {})) {
    const schedule = Object.hasOwn(state.models, model) ? state.models[model] : undefined;
    if (!wanted.enabled) {
      if (schedule) runs.disable(model);
      continue;
    }
    runs.enable(model);
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
    if (change.paused) state.setStatus('paused', 'paused by the app', { storedBy: 'api' });
    else state.setStatus(state.degraded ? 'degraded' : 'active', state.degraded?.reason ?? null, { storedBy: 'api' });
  }
}

export interface HandlerParts {
  state: ConnectionState;
  lifecycle: Lifecycle;
  announcements: Announcements;
  credentials: Credentials;
  runs: ModelRuns;
  showDetails(): void;
}

/** Registered before the run's first command: a query or signal that arrives while the first activity runs must find them. */
export function registerHandlers({ state, lifecycle, announcements, credentials, runs, showDetails }: HandlerParts): void {
  setHandler(syncRequestedSignal, (request) => {
    requestSync(state, request);
    lifecycle.wake = true;
  });
  setHandler(reauthorizedSignal, (notice) => {
    takeReauthorization(state, notice);
    announcements.owe(announcements.auth('reauthorization', null));
    lifecycle.wake = true;
  });
  setHandler(credentialsExpiredSignal, (notice) => {
    credentials.tokenRefused(notice.generation);
    lifecycle.wake = true;
  });
  setHandler(connectionChangedSignal, (change) => {
    applyChange(state, runs, change);
    showDetails();
    lifecycle.wake = true;
  });
  setHandler(deleteRequestedSignal, () => {
    lifecycle.deleting = true;
    runs.cancelAll();
    credentials.cancel();
    lifecycle.wake = true;
  });
  setHandler(connectionStateQuery, () => state.toJSON());
}
