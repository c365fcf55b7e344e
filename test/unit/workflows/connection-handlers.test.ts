// What each message does to a connection's state, without Temporal: handlers only change the state and owe the rest.
import type { ConnectionState as ConnectionStateJSON, ModelState } from '../../../contracts/connection-workflow-messages';
import { ConnectionState } from '../../../workflows/connection/connection-state';
import { applyChange, requestSync, takeReauthorization } from '../../../workflows/connection/handlers';

const NOW = Date.parse('2026-12-03T12:00:00Z');
const HOUR = 3_600_000;
const model = (overrides: Partial<ModelState> = {}): ModelState => ({ frequencyMs: HOUR, nextRunAt: NOW + HOUR / 2, activeRun: null, requestedMode: null, ...overrides });

function connection(overrides: Partial<ConnectionStateJSON> = {}) {
  const stored: string[] = [];
  const shown: string[] = [];
  const state = ConnectionState.fromInput(
    {
      connectionId: 'acme',
      integration: 'sf',
      provider: 'salesforce',
      models: { contacts: model(), accounts: model() },
      credentials: { generation: 4, refreshAt: NOW + 60_000 },
      status: 'active',
      statusReason: null,
      settings: { heartbeatTimeoutMs: 1, sliceTimeoutMs: 1, refreshRetryForMs: 1, webhookRetryForMs: 1, continueAsNewAfterEvents: 1 },
      ...overrides,
    },
    {
      showStatus: (status) => shown.push(status),
      showDetails: () => undefined,
      storeStatus: (change) => {
        stored.push(change.status);
        return Promise.resolve();
      },
    },
  );
  return { state, stored, shown };
}

/** Stands in for the runs in flight: `contacts` is running. */
function runsWith(running: string[], state: ConnectionState) {
  const calls: string[] = [];
  return {
    calls,
    disable: (name: string) => {
      calls.push(`disable ${name}`);
      if (!running.includes(name)) delete state.models[name];
    },
    enable: (name: string) => calls.push(`enable ${name}`),
  };
}

beforeEach(() => jest.spyOn(Date, 'now').mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

describe('a sync request', () => {
  it('marks the named models, never turns a requested full sync into an incremental one, and ignores unknown models', () => {
    const { state } = connection({ models: { contacts: model({ requestedMode: 'full' }), accounts: model() } });
    requestSync(state, { mode: 'incremental', models: ['contacts', 'accounts', 'leads'] });
    expect(state.models.contacts.requestedMode).toBe('full');
    expect(state.models.accounts.requestedMode).toBe('incremental');
    expect(Object.keys(state.models)).toEqual(['contacts', 'accounts']);
  });

  it('without models marks every model', () => {
    const { state } = connection();
    requestSync(state, { mode: 'full' });
    expect(Object.values(state.models).map((m) => m.requestedMode)).toEqual(['full', 'full']);
  });
});

describe('a reauthorization', () => {
  it('takes the newer generation, clears the refresh time and leaves an active connection as it is', () => {
    const { state, stored, shown } = connection();
    takeReauthorization(state, { generation: 9 });
    expect(state.credentials).toEqual({ generation: 9, refreshAt: null });
    takeReauthorization(state, { generation: 2 });
    expect(state.credentials.generation).toBe(9);
    expect(shown).toEqual([]);
    expect(Object.values(state.models).map((m) => m.requestedMode)).toEqual([null, null]);
    expect(stored).toEqual([]);
  });

  it('brings a parked connection back to active (paused if the app paused it) and catches up every model, storing nothing itself', () => {
    const parked = connection({ status: 'auth_error', statusReason: 'invalid_grant', models: { contacts: model(), accounts: model({ requestedMode: 'full' }) } });
    takeReauthorization(parked.state, { generation: 5 });
    expect([parked.state.status, parked.state.statusReason]).toEqual(['active', null]);
    expect(Object.values(parked.state.models).map((m) => m.requestedMode)).toEqual(['incremental', 'full']);
    expect(parked.stored).toEqual([]);

    const degradedWhilePaused = connection({ status: 'degraded', paused: true, degraded: { since: 1, reason: 'down', announced: true } });
    takeReauthorization(degradedWhilePaused.state, { generation: 5 });
    expect(degradedWhilePaused.state.status).toBe('paused');
    expect(degradedWhilePaused.state.degraded).toBeNull();
  });
});

describe('a change the app made', () => {
  it('removes a disabled model through the runs (which keep a running one until its slice ends) and adds a new one due now', () => {
    const { state } = connection();
    const runs = runsWith(['contacts'], state);
    applyChange(state, runs, { models: { contacts: { enabled: false }, accounts: { enabled: false }, leads: { enabled: true, frequencyMs: HOUR } } });
    expect(runs.calls).toEqual(['disable contacts', 'disable accounts', 'enable leads']);
    expect(Object.keys(state.models)).toEqual(['contacts', 'leads']);
    expect(state.models.leads).toEqual({ frequencyMs: HOUR, nextRunAt: NOW, activeRun: null, requestedMode: null, paused: false });
  });

  it('keeps the next run at its distance from the last start under a new frequency, and pauses a single model', () => {
    const { state } = connection();
    applyChange(state, runsWith([], state), { models: { contacts: { enabled: true, frequencyMs: 2 * HOUR, paused: true } } });
    expect(state.models.contacts).toMatchObject({ frequencyMs: 2 * HOUR, nextRunAt: NOW + HOUR / 2 + HOUR, paused: true });
  });

  it('pauses and resumes the connection, showing the status without storing it (the API did), and resumes into degraded when it is', () => {
    const { state, stored, shown } = connection({ degraded: { since: 1, reason: 'token endpoint down', announced: false } });
    applyChange(state, runsWith([], state), { paused: true });
    expect([state.paused, state.status, state.statusReason]).toEqual([true, 'paused', 'paused by the app']);
    applyChange(state, runsWith([], state), { paused: true });
    applyChange(state, runsWith([], state), { paused: false });
    expect([state.paused, state.status, state.statusReason]).toEqual([false, 'degraded', 'token endpoint down']);
    expect(shown).toEqual(['paused', 'degraded']);
    expect(stored).toEqual([]);
  });
});
