// What the app is told about an ended sync run: its sync webhook event, built from the stored run alone. The finish
// and fail activities answer with it, and the workflow announces it as it came.
import { encodeCursor } from '../contracts/change-cursor';
import type { SyncWebhookEvent } from '../contracts/webhook-events';
import type { SyncRunDocument } from '../store/sync-runs';

/** `feedSeqAtEnd` stands in when the run did not record where its changes end (a run failed before it published). */
export function syncEventOfRun(run: SyncRunDocument, status: SyncWebhookEvent['status'], feedSeqAtEnd: number): SyncWebhookEvent {
  const outcome = run.outcome ?? { added: 0, updated: 0, deleted: 0 };
  const cursor = encodeCursor(run.feedSeqAtStart, run);
  // Field by field in the order apps have always received them: the event's bytes are its contract.
  return {
    id: run._id,
    type: 'sync',
    connectionId: run.connectionId,
    integration: run.integration,
    model: run.model,
    mode: run.mode,
    fullReason: run.mode === 'full' ? (run.fullReason ?? null) : null,
    status,
    added: outcome.added,
    updated: outcome.updated,
    deleted: outcome.deleted,
    invalidRecords: run.invalidRecords,
    startedAt: run.startedAt.toISOString(),
    finishedAt: (run.finishedAt ?? new Date()).toISOString(),
    changes: {
      cursor,
      endCursor: encodeCursor(run.feedSeqAtEnd ?? feedSeqAtEnd, run),
      path: `/records?connectionId=${encodeURIComponent(run.connectionId)}&model=${run.model}&cursor=${cursor}`,
    },
  };
}

/** Whether the run stored any change: a run that changed nothing is not announced. */
export const changedAnything = (event: Pick<SyncWebhookEvent, 'added' | 'updated' | 'deleted'>): boolean => event.added + event.updated + event.deleted > 0;
