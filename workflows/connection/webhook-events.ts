// The webhook events a connection announces, built from plain values so they can be unit-tested outside a workflow.
import type { LegacySyncRunSummary } from '../../contracts/activity-messages';
import type { AuthWebhookEvent, SyncWebhookEvent } from '../../contracts/webhook-events';

/** What finishSyncRun and failSyncRun answer: the event today, a summary in histories recorded by older releases. */
export type SyncRunAnswer = SyncWebhookEvent | LegacySyncRunSummary;

/**
 * The event to announce for a finish or fail activity's answer. Today's answer is the event itself, built from the
 * stored run; an answer recorded by an older release (a history that continues after an upgrade) is its summary.
 */
export function syncEventOfAnswer(answer: SyncRunAnswer): SyncWebhookEvent {
  if ('type' in answer) return answer;
  return syncEventOfLegacySummary(answer);
}

function syncEventOfLegacySummary(summary: LegacySyncRunSummary): SyncWebhookEvent {
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
    // Absent from summaries made before the field existed.
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
