// The API's answers as the console receives them (JSON: timestamps are ISO strings). Existing shapes come from the
// API's own schemas (type-only imports: nothing of zod reaches the bundle); the console endpoints of issue 22 are
// written here as the lead's contract (docs/console-api.md) names them.
import type { z } from 'zod';
import type * as schemas from '../../../api/schemas';

/** What a schema looks like on the wire: its input side (a codec's ISO string, not the Date it decodes to). */
type Wire<S extends z.ZodType> = z.input<S>;

export type Connection = Wire<typeof schemas.connection>;
export type ConnectionStatus = Wire<typeof schemas.connectionStatus>;
export type HealthState = Connection['health']['state'];
export type SyncRun = Wire<typeof schemas.syncRun>;
export type SyncRunList = Wire<typeof schemas.syncRunList>;
export type Integration = Wire<typeof schemas.integration>;
export type IntegrationDetail = Wire<typeof schemas.integrationDetail>;
export type WebhookDelivery = Wire<typeof schemas.webhookDelivery>;
export type ChangedRecord = Wire<typeof schemas.changedRecord>;
export type RecordsPage = Wire<typeof schemas.recordsPage>;
export type ConnectSession = Wire<typeof schemas.connectSession>;
export type SyncAccepted = Wire<typeof schemas.syncAccepted>;
export type CreateIntegrationRequest = z.input<typeof schemas.createIntegrationBody>;
export type UpdateIntegrationRequest = z.input<typeof schemas.updateIntegrationBody>;
export type UpdateConnectionRequest = z.input<typeof schemas.updateConnectionBody>;
export type SyncRequest = z.input<typeof schemas.syncRequestBody>;
export type SyncMode = Wire<typeof schemas.syncMode>;

export type Scope = 'read' | 'admin';

/** `POST /console/session`, `GET /console/session`. */
export interface ConsoleSession {
  keyName: string;
  scope: Scope;
  expiresAt: string;
  csrfToken: string;
}

export interface HourOfRuns {
  hour: string;
  succeeded: number;
  failed: number;
  running: number;
}

export interface HourOfChanges {
  hour: string;
  added: number;
  updated: number;
  deleted: number;
}

export interface ConnectionProblem {
  connectionId: string;
  integration: string;
  status: ConnectionStatus;
  statusReason: string | null;
  health: HealthState;
}

export interface FailingDelivery {
  eventId: string;
  type: string;
  connectionId: string;
  attempt: number;
  status: number | null;
  error: string | null;
  attemptedAt: string;
}

/** `GET /stats/overview?hours=24`. */
export interface OverviewStats {
  connections: {
    total: number;
    byStatus: Record<ConnectionStatus, number>;
    byHealth: Record<HealthState, number>;
  };
  problems: ConnectionProblem[];
  runs: { byHour: HourOfRuns[] };
  recordsChanged: { byHour: HourOfChanges[] };
  failingDeliveries: { count: number; recent: FailingDelivery[] };
}

/** `GET /connections` with the console's search, filters and cursor. */
export interface ConnectionsQuery {
  q?: string;
  integration?: string;
  provider?: string;
  status?: string;
  health?: string;
  failing?: boolean;
  cursor?: string;
  limit?: number;
}

export interface ConnectionPage {
  connections: Connection[];
  nextCursor: string | null;
}

export type EventLevel = 'debug' | 'info' | 'warn' | 'error';
export const EVENT_LEVELS: readonly EventLevel[] = ['debug', 'info', 'warn', 'error'];

/** One entry of a run's timeline: `mode`, `page`, `request`, `wait`, `refresh`, `error`, `invalid`, `finished`. */
export interface RunEvent {
  seq: number;
  at: string;
  level: EventLevel;
  kind: string;
  message: string;
  data: Record<string, unknown> | null;
}

/** `GET /connections/{id}/runs/{runId}/events?after=`. */
export interface RunEvents {
  run: SyncRun;
  events: RunEvent[];
  nextAfter: number | null;
}

export type LogSource = 'run' | 'action' | 'delivery' | 'connection';
export type LogWindow = '1h' | '24h' | '7d';

export interface LogEvent {
  seq: number;
  at: string;
  level: EventLevel;
  kind: string;
  source: LogSource;
  connectionId: string | null;
  integration: string | null;
  model: string | null;
  runId: string | null;
  actionId: string | null;
  eventId: string | null;
  message: string;
  data: Record<string, unknown> | null;
}

export interface LogsQuery {
  connectionId?: string;
  integration?: string;
  model?: string;
  level?: string;
  kind?: string;
  window?: LogWindow;
  q?: string;
  cursor?: string;
  limit?: number;
}

export interface LogPage {
  events: LogEvent[];
  nextCursor: string | null;
}

export type RecordAction = 'added' | 'updated' | 'deleted';

/** `GET /record-history?connectionId=&model=&id=`. */
export interface RecordHistory {
  record: { id: string; action: RecordAction; data: Record<string, unknown>; deletedAt: string | null; updatedAt: string } | null;
  history: { action: RecordAction; at: string; runId: string | null }[];
}

/** `GET /connections/{id}/actions`: write-backs and their outcomes, newest first. */
export interface ActionSummary {
  actionId: string;
  name: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  error: { code: string; message: string } | null;
  output: unknown;
}

/** The console's additions to today's rows and views. */
export type IntegrationRow = Integration & { connectionCount?: number; callbackUrl?: string };
export type ConnectionView = Connection & { workflowId?: string; temporalUiUrl?: string | null };
