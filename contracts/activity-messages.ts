// The inputs and outputs of activities: plain JSON with ids, cursors and counts, never records or secrets.
import type { ConnectionWorkflowStatus, WorkflowSettings } from './connection-workflow-messages';
import type { SyncMode } from './sync-mode';
import type { SyncWebhookEvent } from './webhook-events';

export interface BeginSyncRunInput {
  connectionId: string;
  model: string;
  mode: SyncMode;
  runId: string;
  /** The workflow's settings now; the answer says which to use from this run on (absent in older histories). */
  settings?: WorkflowSettings;
}

/** Older workers answered nothing, which replays as `undefined`. */
export interface BeginSyncRunResult {
  /** Absent when the worker has no settings of its own: the workflow keeps its own. */
  settings?: WorkflowSettings;
  /**
   * How the run really reads: an incremental run asked for becomes `full` when what the sync stores changed (see
   * `fullReason`). For what the workflow shows; the run's slices read the run's stored mode themselves.
   */
  mode?: SyncMode;
  fullReason?: string | null;
}


export interface SyncSliceInput {
  runId: string;
}

export interface SyncSliceResult {
  done: boolean;
  pages: number;
  recordsRead: number;
}

export interface FinishSyncRunInput {
  runId: string;
  nextRunAt: number | null;
}

export interface FailSyncRunInput {
  runId: string;
  code: string;
  message: string;
  nextRunAt: number | null;
}

/**
 * What finishSyncRun and failSyncRun answered before they answered with the sync webhook event itself (built from the
 * stored run: activities/sync-run-event.ts). Histories recorded then hold it, so a workflow continuing one still reads
 * it (workflows/connection/webhook-events.ts); nothing produces it any more. Delete it with that reading once no
 * connection's history predates the change (see docs/releasing-workflow-changes.md, rule 4).
 */
export type LegacySyncRunSummary = Pick<
  SyncWebhookEvent,
  'connectionId' | 'integration' | 'model' | 'mode' | 'status' | 'added' | 'updated' | 'deleted' | 'invalidRecords' | 'startedAt' | 'finishedAt'
> & {
  runId: string;
  /** Feed positions: reading the changes feed from `fromCursor` up to `toCursor` yields exactly this run's changes. */
  fromCursor: string;
  toCursor: string;
  /** Absent from summaries of workers that predate reasons (history replayed after an upgrade). */
  fullReason?: string | null;
};

export interface RefreshCredentialsInput {
  connectionId: string;
  /** The generation the caller saw; if newer credentials are already stored, no refresh is made. */
  basedOnGeneration: number;
}

export interface CredentialsState {
  generation: number;
  /** Epoch ms, or null when the provider would not say. */
  expiresAt: number | null;
  /** Epoch ms at which to refresh proactively (expiry minus the provider's margin), or null. */
  refreshAt: number | null;
}

export interface ConnectionStatusInput {
  connectionId: string;
  status: ConnectionWorkflowStatus;
  reason: string | null;
  until: number | null;
}
