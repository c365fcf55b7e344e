// The webhook events a connection announces, built from plain values so they can be unit-tested outside a workflow.
import type { SyncRunSummary } from '../../contracts/activity-messages';
import type { AuthWebhookEvent, SyncWebhookEvent } from '../../contracts/webhook-events';

export function syncEvent(summary: SyncRunSummary): SyncWebhookEvent {
  const query = `connectionId=${encodeURIComponent(summary.connectionId)}&model=${summary.model}&cursor=${summary.fromCursor}`;
  return {
    id: summary.runId,
    type: 'sync',
    connectionId: summary.connectionId,
    integration: summary.integration,
    model: summary.model,
    mode: summary.mode,
    // Absent from summaries made before the reason travelled with them.
    fullReason: summary.mode === 'full' ? (summary.fullReason ?? null) : null,
    status: summary.status,
    added: summary.added,
    updated: summary.updated,
    deleted: summary.deleted,
    // Absent from summaries made before the field existed (history replayed after an upgrade).
    invalidRecords: summary.invalidRecords ?? 0,
    startedAt: summary.startedAt,
    finishedAt: summary.finishedAt,
    changes: { cursor: summary.fromCursor, endCursor: summary.toCursor, path: `/records?${query}` },
  };
}

/** `error` null: the operation succeeded. `id` comes from the workflow's deterministic uuid4. */
export function authEvent(
  connection: { connectionId: string; integration: string },
  operation: AuthWebhookEvent['operation'],
  error: string | null,
  id: string,
  at: Date,
): AuthWebhookEvent {
  return {
    id: `auth:${connection.connectionId}:${id}`,
    type: 'auth',
    connectionId: connection.connectionId,
    integration: connection.integration,
    operation,
    success: error === null,
    error,
    at: at.toISOString(),
  };
}
