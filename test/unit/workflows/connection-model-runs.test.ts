// A model's run without Temporal: what follows a failed slice and when a run must stop (its waits: provider-waits.test.ts).
import { ActivityFailure, ApplicationFailure, RetryState } from '@temporalio/common';
import type { ModelState } from '../../../contracts/connection-workflow-messages';
import { FailureType } from '../../../contracts/failure-types';
import type { ConnectionState } from '../../../workflows/connection/connection-state';
import { Lifecycle } from '../../../workflows/connection/lifecycle';
import {
  afterFailedSlice,
  MAX_AUTH_RETRIES_PER_RUN,
  ModelRuns,
  runError,
  sliceSummary,
  succeededOutcome,
  type ModelRunParts,
} from '../../../workflows/connection/model-runs';

const sliceFailed = (type: string, message = `${type} happened`) =>
  new ActivityFailure('activity failed', 'syncModelSlice', '9', RetryState.NON_RETRYABLE_FAILURE, 'w', ApplicationFailure.create({ type, message }));

describe('after a failed slice', () => {
  it('refreshes an expired token and goes on, until the run has done so too often', () => {
    expect(afterFailedSlice(sliceFailed(FailureType.credentialsExpired), 0)).toBe('refresh');
    expect(afterFailedSlice(sliceFailed(FailureType.credentialsExpired), MAX_AUTH_RETRIES_PER_RUN - 1)).toBe('refresh');
    expect(afterFailedSlice(sliceFailed(FailureType.credentialsExpired), MAX_AUTH_RETRIES_PER_RUN)).toBe('fail');
  });

  it('waits out a rate limit however often, and ends the run on anything else', () => {
    expect(afterFailedSlice(sliceFailed(FailureType.rateLimited), 99)).toBe('wait');
    expect(afterFailedSlice(sliceFailed(FailureType.providerRejected), 0)).toBe('fail');
    expect(afterFailedSlice(new Error('a bug'), 0)).toBe('fail');
  });

  it("records the activity's failure type and message, or SyncFailed with whatever was thrown", () => {
    expect(runError(sliceFailed(FailureType.gone, 'run deleted'))).toEqual({ code: FailureType.gone, message: 'run deleted' });
    expect(runError(new Error('a bug'))).toEqual({ code: 'SyncFailed', message: 'Error: a bug' });
  });
});

describe('what operators read about a run', () => {
  it('names the slice and how far the run got, and how a run ended', () => {
    expect(sliceSummary('contacts', 'full', { pages: 4, records: 800, slices: 2 })).toBe('contacts: full sync, slice 3, after 4 pages / 800 records');
    expect(succeededOutcome({ finishedAt: '2026-12-03T12:00:00.000Z', added: 1, updated: 2, deleted: 3 })).toBe('succeeded at 2026-12-03T12:00:00.000Z: 1 added, 2 updated, 3 deleted');
  });
});

describe('when a run must stop at its next slice boundary', () => {
  function runs(models: Record<string, Partial<ModelState>>, paused = false) {
    const state = { paused, models: Object.fromEntries(Object.entries(models).map(([name, m]) => [name, { frequencyMs: 1, nextRunAt: 0, activeRun: null, requestedMode: null, ...m }])) };
    const lifecycle = new Lifecycle();
    // Nothing below starts a run, so no part that would issue a command is needed.
    const parts = { state: state as unknown as ConnectionState, lifecycle } as ModelRunParts;
    return { runs: new ModelRuns(parts), lifecycle, state };
  }

  it('goes on while nothing says otherwise; stops for a paused model or connection', () => {
    expect(runs({ contacts: {} }).runs.stopReason('contacts')).toBeNull();
    expect(runs({ contacts: { paused: true } }).runs.stopReason('contacts')).toBe('paused');
    expect(runs({ contacts: {} }, true).runs.stopReason('contacts')).toBe('paused');
  });

  it('stops for continue-as-new or a delete before a pause: the checkpoint is kept either way', () => {
    const draining = runs({ contacts: { paused: true } });
    draining.lifecycle.draining = true;
    expect(draining.runs.stopReason('contacts')).toBe('draining');
    const deleting = runs({ contacts: {} });
    deleting.lifecycle.deleting = true;
    expect(deleting.runs.stopReason('contacts')).toBe('draining');
  });

  it('removes a disabled model at once when no run of it is in flight', () => {
    const { runs: idle, state } = runs({ contacts: {}, accounts: {} });
    idle.disable('contacts');
    expect(Object.keys(state.models)).toEqual(['accounts']);
    expect(idle.stopReason('contacts')).toBeNull();
  });
});
