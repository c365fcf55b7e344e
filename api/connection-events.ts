// What the API did to a connection (created, changed, paused, re-authorised, deleted, asked to sync), for the event
// log, and for the connection directory, which shows this process's own changes at once.
import type { Logger } from 'pino';
import type { Connection } from '../store/connections';
import { logEvent, type EventLevel } from '../store/event-log';
import type { Store } from '../store/store';

export interface ConnectionDirectoryUpdates {
  put(connection: Connection): void;
  remove(connectionId: string): void;
}

export class ConnectionEvents {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly directory?: ConnectionDirectoryUpdates,
  ) {}

  /**
   * `actor`: the name of the key (or console session's key) that asked, never the key. Best effort: a change that
   * was made is not undone because its log line could not be written.
   */
  async record(connectionId: string, kind: string, message: string, { level = 'info', data = {}, actor }: { level?: EventLevel; data?: Record<string, unknown>; actor?: string | null } = {}): Promise<void> {
    try {
      const connection = await this.store.connections.find(connectionId);
      if (connection) this.directory?.put(connection);
      else this.directory?.remove(connectionId);
      await this.store.events.insert([
        logEvent({
          source: 'connection',
          kind,
          level,
          message,
          data: { ...data, ...(actor ? { by: actor } : {}) },
          connectionId,
          ...(connection?.incarnation ? { incarnation: connection.incarnation } : {}),
          integration: connection?.integration ?? (typeof data.integration === 'string' ? data.integration : null),
        }),
      ]);
    } catch (error) {
      this.logger.warn({ err: (error as Error).message, connectionId, kind }, 'connection event not stored');
    }
  }
}
