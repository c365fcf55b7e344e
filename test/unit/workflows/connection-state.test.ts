// The connection workflow's state: exactly the JSON it was given travels on, and a status change is recorded everywhere it must be.
import type { ConnectionState as ConnectionStateJSON, ConnectionWorkflowStatus } from '../../../contracts/connection-workflow-messages';
import { ConnectionState, type StatusRecorder } from '../../../workflows/connection/connection-state';

/** An input as a release before `announceAuth`, `paused` and `degraded` existed would have written it. */
const olderInput = (): ConnectionStateJSON => ({
  connectionId: 'acme',
  integration: 'sf',
  provider: 'salesforce',
  models: { contacts: { frequencyMs: 60_000, nextRunAt: 1_000, activeRun: null, requestedMode: null } },
  credentials: { generation: 3, refreshAt: null },
  status: 'active',
  statusReason: null,
  settings: { heartbeatTimeoutMs: 1, sliceTimeoutMs: 2, refreshRetryForMs: 3, webhookRetryForMs: 4, continueAsNewAfterEvents: 5 },
});

/** Records what a status change did, in order: the search attribute, the UI details and the stored status. */
function recording() {
  const seen: string[] = [];
  const stored: { status: ConnectionWorkflowStatus; reason: string | null; until: number | null }[] = [];
  const recorder: StatusRecorder = {
    showStatus: (status) => seen.push(`search attribute ${status}`),
    showDetails: () => seen.push('details'),
    storeStatus: (change) => {
      seen.push(`store ${change.status}`);
      stored.push(change);
      return Promise.resolve();
    },
  };
  return { seen, stored, recorder };
}

describe('the state continue-as-new carries', () => {
  it('is the input unchanged, byte for byte, when nothing happened', () => {
    const input = olderInput();
    const state = ConnectionState.fromInput(structuredClone(input), recording().recorder);
    expect(JSON.stringify(state.toJSON())).toBe(JSON.stringify(input));
  });

  it('is plain JSON without the recorder or any method, and fields added later come after the ones given', () => {
    const state = ConnectionState.fromInput(olderInput(), recording().recorder);
    state.degraded = { since: 5, reason: 'token endpoint down', announced: false };
    const json = state.toJSON();
    expect(Object.getPrototypeOf(json)).toBe(Object.prototype);
    expect(Object.keys(json)).toEqual(['connectionId', 'integration', 'provider', 'models', 'credentials', 'status', 'statusReason', 'settings', 'degraded']);
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
  });

  it('is what the class serialises to as well, so a query or payload never sees the instance', () => {
    const state = ConnectionState.fromInput(olderInput(), recording().recorder);
    expect(JSON.parse(JSON.stringify(state))).toEqual(state.toJSON());
  });
});

describe('a status change', () => {
  it('the workflow makes is shown at once, then stored with when it ends', async () => {
    const { seen, stored, recorder } = recording();
    const state = ConnectionState.fromInput(olderInput(), recorder);
    await state.setStatus('rate_limited', 'daily limit', { until: 9_000 });
    expect([state.status, state.statusReason]).toEqual(['rate_limited', 'daily limit']);
    expect(seen).toEqual(['search attribute rate_limited', 'details', 'store rate_limited']);
    expect(stored).toEqual([{ status: 'rate_limited', reason: 'daily limit', until: 9_000 }]);
  });

  it('a signal brought is shown but not stored again: the API stored it, and a handler starts no activity', () => {
    const { seen, stored, recorder } = recording();
    const state = ConnectionState.fromInput(olderInput(), recorder);
    expect(state.setStatus('paused', 'paused by the app', { storedBy: 'api' })).toBeUndefined();
    expect(state.status).toBe('paused');
    expect(seen).toEqual(['search attribute paused', 'details']);
    expect(stored).toEqual([]);
  });

  it('to degraded while the app has paused the connection is stored, but the connection keeps showing paused', async () => {
    const { seen, stored, recorder } = recording();
    const state = ConnectionState.fromInput({ ...olderInput(), paused: true, status: 'paused', statusReason: 'paused by the app' }, recorder);
    await state.setStatus('degraded', 'token endpoint down', { keepPaused: true });
    expect([state.status, state.statusReason]).toEqual(['paused', 'paused by the app']);
    expect(seen).toEqual(['store degraded']);
    expect(stored).toEqual([{ status: 'degraded', reason: 'token endpoint down', until: null }]);

    state.paused = false;
    await state.setStatus('degraded', 'token endpoint down', { keepPaused: true });
    expect(state.status).toBe('degraded');
  });
});

describe('the auth webhook a start owes', () => {
  it('is creation for a fresh start that does not say, reauthorization when it says so, and is handed out once', () => {
    const fresh = ConnectionState.fromInput(olderInput(), recording().recorder);
    expect(fresh.takeAuthOwedAtStart(false)).toBe('creation');
    expect(fresh.takeAuthOwedAtStart(false)).toBeNull();
    expect(fresh.toJSON().announceAuth).toBeNull();

    const restarted = ConnectionState.fromInput({ ...olderInput(), announceAuth: 'reauthorization' }, recording().recorder);
    expect(restarted.takeAuthOwedAtStart(false)).toBe('reauthorization');
  });

  it('is nothing for a run continued from another', () => {
    expect(ConnectionState.fromInput(olderInput(), recording().recorder).takeAuthOwedAtStart(true)).toBeNull();
    expect(ConnectionState.fromInput({ ...olderInput(), announceAuth: null }, recording().recorder).takeAuthOwedAtStart(true)).toBeNull();
  });
});
