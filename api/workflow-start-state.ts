// What a connection's workflow starts from: the stored connection's schedule, pauses and credential generation.
import type { ConnectionState } from '../contracts/connection-workflow-messages';
import type { Connection } from '../store/connections';

/**
 * Built from the stored connection whenever its workflow starts (a create, or a reconnect after the workflow ended),
 * so a restart keeps what the app chose: a paused connection or model stays paused. Every model is due at once.
 */
export function workflowStartState(
  connection: Pick<Connection, 'connectionId' | 'integration' | 'provider' | 'syncs' | 'paused'>,
  generation: number,
  announceAuth?: ConnectionState['announceAuth'],
): Omit<ConnectionState, 'settings'> {
  const now = Date.now();
  const models: ConnectionState['models'] = {};
  for (const [model, schedule] of Object.entries(connection.syncs)) {
    models[model] = { frequencyMs: schedule.frequencyMs, nextRunAt: now, activeRun: null, requestedMode: null, ...(schedule.paused ? { paused: true } : {}) };
  }
  const paused = connection.paused === true;
  return {
    connectionId: connection.connectionId,
    integration: connection.integration,
    provider: connection.provider,
    models,
    credentials: { generation, refreshAt: null },
    status: paused ? 'paused' : 'active',
    statusReason: paused ? 'paused by the app' : null,
    ...(paused ? { paused: true } : {}),
    ...(announceAuth ? { announceAuth } : {}),
  };
}
