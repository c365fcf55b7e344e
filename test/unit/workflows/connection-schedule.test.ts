// The connection workflow's pure decisions: what starts now, when it next wakes, how refresh failures back off.
import type { ConnectionState, ModelState } from '../../../contracts/connection-workflow-messages';
import { connectionDetails } from '../../../workflows/connection/details';
import { launchesDue, nextRunAfter, nextWakeAt, refreshBackoffMs } from '../../../workflows/connection/schedule';
import { authEvent, syncEventOfAnswer } from '../../../workflows/connection/webhook-events';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const model = (overrides: Partial<ModelState> = {}): ModelState => ({ frequencyMs: 60_000, nextRunAt: NOW + 30_000, activeRun: null, requestedMode: null, ...overrides });
const connection = (overrides: Partial<ConnectionState> = {}): ConnectionState => ({
  connectionId: 'acme',
  integration: 'sf',
  provider: 'salesforce',
  models: { contacts: model(), accounts: model() },
  credentials: { generation: 1, refreshAt: null },
  status: 'active',
  statusReason: null,
  settings: { heartbeatTimeoutMs: 1, sliceTimeoutMs: 1, refreshRetryForMs: 1, webhookRetryForMs: 1, continueAsNewAfterEvents: 1 },
  ...overrides,
});
const none = new Set<string>();

describe('which models start now', () => {
  it('starts a due model, a requested one (with its mode), and resumes a run stopped mid-way, but none already running', () => {
    const state = connection({
      models: {
        due: model({ nextRunAt: NOW }),
        requested: model({ requestedMode: 'full' }),
        resumed: model({ activeRun: { runId: 'r1', mode: 'incremental' } }),
        later: model(),
        busy: model({ nextRunAt: NOW - 1 }),
      },
    });
    expect(launchesDue(state, new Set(['busy']), NOW)).toEqual([
      { model: 'due', mode: 'incremental', resumeRunId: null },
      { model: 'requested', mode: 'full', resumeRunId: null },
      { model: 'resumed', mode: 'incremental', resumeRunId: 'r1' },
    ]);
  });

  it('starts nothing for a parked or paused connection, and skips a paused model', () => {
    const due = { contacts: model({ nextRunAt: NOW }), accounts: model({ nextRunAt: NOW, paused: true }) };
    expect(launchesDue(connection({ models: due, status: 'auth_error' }), none, NOW)).toEqual([]);
    expect(launchesDue(connection({ models: due, paused: true }), none, NOW)).toEqual([]);
    expect(launchesDue(connection({ models: due }), none, NOW).map((l) => l.model)).toEqual(['contacts']);
  });
});

describe('when the connection next wakes', () => {
  it('is the earliest due run or credential refresh, ignoring running and paused models', () => {
    const state = connection({
      models: { a: model({ nextRunAt: NOW + 5_000 }), b: model({ nextRunAt: NOW + 1_000 }), c: model({ nextRunAt: NOW + 2_000, paused: true }) },
      credentials: { generation: 1, refreshAt: NOW + 3_000 },
    });
    expect(nextWakeAt(state, none)).toBe(NOW + 1_000);
    expect(nextWakeAt(state, new Set(['b']))).toBe(NOW + 3_000);
  });

  it('is never for a parked or paused connection: only a message wakes it', () => {
    expect(nextWakeAt(connection({ status: 'auth_error' }), none)).toBeUndefined();
    expect(nextWakeAt(connection({ paused: true }), none)).toBeUndefined();
  });

  it('schedules the next run one period after the last start, or now when the run took longer', () => {
    expect(nextRunAfter(NOW, 60_000, NOW + 10_000)).toBe(NOW + 60_000);
    expect(nextRunAfter(NOW, 60_000, NOW + 90_000)).toBe(NOW + 90_000);
  });
});

describe('refresh backoff while degraded', () => {
  it('grows with failures, never exceeds the cap, and never hammers (at least a second)', () => {
    expect(refreshBackoffMs(0, 1)).toBe(5_000);
    expect(refreshBackoffMs(3, 1)).toBe(40_000);
    expect(refreshBackoffMs(50, 1)).toBe(300_000);
    expect(refreshBackoffMs(50, 0)).toBe(1_000);
    expect(refreshBackoffMs(2, 0.5)).toBe(10_000);
  });
});

describe('what operators and the app are told', () => {
  it('details say the status, each model and the credential plan in words', () => {
    const state = connection({
      status: 'degraded',
      statusReason: 'token endpoint failing: HTTP 503',
      models: { contacts: model({ activeRun: { runId: 'r', mode: 'full' } }), accounts: model({ paused: true }) },
      credentials: { generation: 2, refreshAt: NOW },
    });
    const text = connectionDetails(state, new Map([['contacts', { pages: 3, records: 600, slices: 1 }]]), new Map([['accounts', 'succeeded earlier']]), false);
    expect(text.split('\n')).toEqual([
      '**degraded**: token endpoint failing: HTTP 503',
      '',
      '- contacts: full sync running, 3 pages / 600 records so far',
      '- accounts: paused',
      '  - last run succeeded earlier',
      '',
      `credentials refresh at ${new Date(NOW).toISOString()}`,
    ]);
  });

  it('a sync event from a summary an older release recorded points at exactly the run\'s stretch of the feed', () => {
    const event = syncEventOfAnswer({
      runId: 'run-1', connectionId: 'a b', integration: 'sf', model: 'contacts', mode: 'incremental', status: 'succeeded',
      added: 1, updated: 2, deleted: 3, invalidRecords: undefined as unknown as number, startedAt: 's', finishedAt: 'f', fromCursor: 'c1', toCursor: 'c2',
    });
    expect(event).toMatchObject({ id: 'run-1', invalidRecords: 0, changes: { cursor: 'c1', endCursor: 'c2', path: '/records?connectionId=a%20b&model=contacts&cursor=c1' } });
  });

  it('a sync event from an older release\'s summary of a full run says why it read everything; an incremental or older summary says null', () => {
    const summary = {
      runId: 'run-2', connectionId: 'acme', integration: 'sf', model: 'contacts', status: 'succeeded' as const,
      added: 0, updated: 5, deleted: 0, invalidRecords: 0, startedAt: 's', finishedAt: 'f', fromCursor: 'c1', toCursor: 'c2',
    };
    expect(syncEventOfAnswer({ ...summary, mode: 'full', fullReason: 'version 3 → 4' })).toMatchObject({ mode: 'full', fullReason: 'version 3 → 4' });
    expect(syncEventOfAnswer({ ...summary, mode: 'full' }).fullReason).toBeNull();
    expect(syncEventOfAnswer({ ...summary, mode: 'incremental', fullReason: 'stale' }).fullReason).toBeNull();
  });

  it('an auth event succeeds exactly when there is no error', () => {
    const at = new Date(NOW);
    expect(authEvent({ connectionId: 'acme', integration: 'sf' }, 'refresh', null, 'u1', at)).toEqual({
      id: 'auth:acme:u1', type: 'auth', connectionId: 'acme', integration: 'sf', operation: 'refresh', success: true, error: null, at: at.toISOString(),
    });
    expect(authEvent({ connectionId: 'acme', integration: 'sf' }, 'refresh', 'down', 'u2', at)).toMatchObject({ success: false, error: 'down' });
  });
});
