// The connection workflow's input, state and messages: plain JSON, carried through continue-as-new, no secrets.
import type { SyncMode } from './sync-mode';

/**
 * One workflow per connection, found again by id. The prefix keeps deployments that share a Temporal namespace
 * (staging and production, or parallel test files) from adopting each other's workflows.
 */
export const connectionWorkflowId = (connectionId: string, prefix = '') => `${prefix}connection:${connectionId}`;

/**
 * `degraded`: something transient keeps failing (the token endpoint, a model's runs); the connection retries by itself.
 * `auth_error`: only the customer can fix it (revoked or expired grant). `paused`: the app paused it.
 */
export type ConnectionWorkflowStatus = 'active' | 'auth_error' | 'rate_limited' | 'degraded' | 'paused';

export interface ModelState {
  frequencyMs: number;
  /** Epoch ms when the next scheduled run is due. */
  nextRunAt: number;
  /** A run in progress; survives continue-as-new so the new run resumes it from its checkpoint. */
  activeRun: { runId: string; mode: SyncMode } | null;
  /** A run asked for by a signal, taken when the model is next idle (full wins over incremental). */
  requestedMode: SyncMode | null;
  /** Paused by the app: no run starts; a run in flight stops at its next slice boundary and resumes when unpaused. */
  paused?: boolean;
  /** A rate-limit wait in progress when the workflow continued as new: the resumed run waits out the rest. */
  rateLimitedUntil?: number | null;
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
  /** How long a connection stays `degraded` before an `auth` webhook tells the app (absent in older inputs). */
  degradedNoticeAfterMs?: number;
}

/**
 * A connection's workflow state as plain JSON: what a run starts with, what continue-as-new carries to the next run
 * (so its shape only ever grows by optional fields), and what the `connectionState` query answers.
 */
export interface ConnectionState {
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
  /** Paused by the app: nothing runs and no token is refreshed until it is resumed. */
  paused?: boolean;
  /** Since when the token endpoint has been failing (epoch ms), and whether the app was told; carried across continue-as-new. */
  degraded?: { since: number; reason: string; announced: boolean } | null;
}

export interface SyncRequest {
  models?: string[];
  mode: SyncMode;
}

export interface ReauthorizedNotice {
  generation: number;
}

/** Someone outside the workflow (an action, the proxy) was refused the token of `generation`. */
export interface CredentialsExpiredNotice {
  generation: number;
}

/**
 * What the app changed with `PATCH /connections/:id`, already validated and stored. Absent fields stay as they are.
 * A model in `models` with `enabled: false` is removed; a new one is added and syncs at once.
 */
export interface ConnectionChange {
  paused?: boolean;
  models?: Record<string, { enabled: boolean; frequencyMs?: number; paused?: boolean }>;
}
