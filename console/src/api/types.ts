// The API's answers as the console receives them (JSON: timestamps are ISO strings), all from the API's own schemas
// (type-only imports: nothing of zod reaches the bundle), so a change of the API that the console does not follow
// fails `npm run typecheck`.
import type { z } from 'zod';
import type * as schemas from '../../../api/schemas';

/** What a schema looks like on the wire: its input side (a codec's ISO string, not the Date it decodes to). */
type Wire<S extends z.ZodType> = z.input<S>;

export type Connection = Wire<typeof schemas.connection>;
export type ConnectionStatus = Wire<typeof schemas.connectionStatus>;
export type HealthState = Wire<typeof schemas.healthState>;
export type SyncRun = Wire<typeof schemas.syncRun>;
export type SyncRunList = Wire<typeof schemas.syncRunList>;
export type IntegrationRow = Wire<typeof schemas.integration>;
export type IntegrationDetail = Wire<typeof schemas.integrationDetail>;
export type WebhookDelivery = Wire<typeof schemas.webhookDelivery>;
export type RecordsPage = Wire<typeof schemas.recordsPage>;
export type ConnectSession = Wire<typeof schemas.connectSession>;
export type SyncAccepted = Wire<typeof schemas.syncAccepted>;
export type CreateIntegrationRequest = z.input<typeof schemas.createIntegrationBody>;
export type UpdateIntegrationRequest = z.input<typeof schemas.updateIntegrationBody>;
export type UpdateConnectionRequest = z.input<typeof schemas.updateConnectionBody>;
export type SyncRequest = z.input<typeof schemas.syncRequestBody>;

/** `POST /console/session`, `GET /console/session`. */
export type ConsoleSession = Wire<typeof schemas.consoleSession>;
/** `GET /stats/overview?hours=24`. */
export type OverviewStats = Wire<typeof schemas.overview>;
/** `GET /connections` with the console's search, filters and cursor. */
export type ConnectionPage = Wire<typeof schemas.connectionList>;
export type ConnectionsQuery = Omit<z.input<typeof schemas.listConnectionsQuery>, 'failing'> & { failing?: boolean };
/** `GET /connections/{id}/runs/{runId}/events?after=`: the run and its timeline, oldest first. */
export type RunEvents = Wire<typeof schemas.runEvents>;
export type RunEvent = Wire<typeof schemas.runEvent>;
export type EventLevel = Wire<typeof schemas.eventLevel>;
export const EVENT_LEVELS: readonly EventLevel[] = ['debug', 'info', 'warn', 'error'];
/** `GET /logs`: run, action, delivery and connection events, newest first. */
export type LogPage = Wire<typeof schemas.logPage>;
export type LogEvent = Wire<typeof schemas.logEntry>;
export type LogsQuery = z.input<typeof schemas.logsQuery>;
export type LogWindow = NonNullable<LogsQuery['window']>;
/** `GET /record-history?connectionId=&model=&id=`. */
export type RecordHistory = Wire<typeof schemas.recordHistory>;
export type RecordAction = Wire<typeof schemas.recordAction>;
/** `GET /connections/{id}/actions`: write-backs and their outcomes, newest first. */
export type ActionSummary = Wire<typeof schemas.actionSummary>;
export type RedeliveryAccepted = Wire<typeof schemas.redeliveryAccepted>;
/** The connection view (its `workflowId` and `temporalUiUrl` included). */
export type ConnectionView = Connection;
