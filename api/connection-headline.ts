// What a connection is and how it stands, as every view of it opens: the list row, the console's directory, the detail.
import type { Connection } from '../store/connections';

/** A pause by the app outranks the engine's own status: the connection shows `paused`, whatever it was doing. */
export function connectionHeadline(connection: Connection) {
  return {
    connectionId: connection.connectionId,
    integration: connection.integration,
    provider: connection.provider,
    accountId: connection.providerAccountId ?? null,
    status: connection.paused ? ('paused' as const) : connection.status,
    statusReason: connection.paused ? 'paused by the app' : connection.statusReason,
  };
}
