// The connection workflow's input, state and messages: plain JSON, carried through continue-as-new, no secrets.
import type { SyncMode } from './activity-messages';

/**
 * One workflow per connection, found again by id. The prefix keeps deployments that share a Temporal namespace
 * (staging and production, or parallel test files) from adopting each other's workflows.
 */
export const connectionWorkflowId = (connectionId: string, prefix = '') => `${prefix}connection:${connectionId}`;

export type ConnectionWorkflowStatus = 'active' | 'auth_error' | 'rate_limited';

export interface ModelState {
  frequencyMs: number;
  /** Epoch ms when the next scheduled run is due. */
  nextRunAt: number;
  /** A run in progress; survives continue-as-new so the new run resumes it from its checkpoint. */
  activeRun: { runId: string; mode: SyncMode } | null;
  /** A run asked for by a signal, taken when the model is next idle (full wins over incremental). */
  requestedMode: SyncMode | null;
}

export interface WorkflowSettings {
  heartbeatTimeoutMs: number;
  /** Upper bound for one sync slice activity, a little above the worker's maxSliceMs. */
  sliceTimeoutMs: number;
  /** How long a failing token endpoint is retried before the connection is parked in auth_error. */
  refreshRetryForMs: number;
  /** How long a webhook is redelivered before it is given up. */
  webhookRetryForMs: number;
  /** Continue-as-new at this history length even if the server has not suggested it yet (tests lower it). */
  continueAsNewAfterEvents: number;
}

export interface ConnectionWorkflowInput {
  connectionId: string;
  integration: string;
  provider: string;
  models: Record<string, ModelState>;
  credentials: { generation: number; refreshAt: number | null };
  status: ConnectionWorkflowStatus;
  statusReason: string | null;
  settings: WorkflowSettings;
  /**
   * The `auth` webhook this start owes the app: `creation` for a new connection (the default when a workflow starts
   * fresh), `reauthorization` when a re-connect restarts a workflow that had ended. Null once sent, so a
   * continue-as-new never repeats it.
   */
  announceAuth?: 'creation' | 'reauthorization' | null;
}

export interface SyncRequest {
  models?: string[];
  mode: SyncMode;
}

export interface ReauthorizedNotice {
  generation: number;
}
