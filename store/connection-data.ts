// Removes everything a connection left behind but the connection itself: runs, records, feeds, deliveries, actions,
// sync triggers, reported deletes and its log.
import type { Store } from './store';

/**
 * Runs go before records: a sync slice still running somewhere checks its run before writing each page. Idempotent,
 * so a delete that failed half-way is simply repeated.
 */
export async function removeConnectionData(store: Store, connectionId: string, models: string[]): Promise<void> {
  await store.runs.deleteForConnection(connectionId);
  await store.records.deleteForConnection(connectionId, models);
  await store.webhookDeliveries.deleteForConnection(connectionId);
  await store.actions.deleteForConnection(connectionId);
  await store.syncTriggers.deleteForConnection(connectionId);
  await store.events.deleteForConnection(connectionId);
  await store.reportedDeletes.deleteForConnection(connectionId);
}
