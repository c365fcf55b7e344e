// Every API call the console makes, one typed function each: the console reads and acts only through these public
// endpoints, so whatever it does an API user can do too.
import { request, type Query } from './http';
import type {
  ActionSummary,
  ConnectionPage,
  ConnectionsQuery,
  ConnectionView,
  ConnectSession,
  ConsoleSession,
  CreateIntegrationRequest,
  IntegrationDetail,
  IntegrationRow,
  LogPage,
  LogsQuery,
  OverviewStats,
  RecordHistory,
  RecordsPage,
  RedeliveryAccepted,
  RunEvents,
  SyncAccepted,
  SyncRequest,
  SyncRunList,
  UpdateConnectionRequest,
  UpdateIntegrationRequest,
  WebhookDelivery,
} from './types';

const id = encodeURIComponent;

// --- the console session (cookie + CSRF token) ---

export const signIn = (key: string) => request<ConsoleSession>('POST', '/console/session', { body: { key }, sessionCall: true });
export const currentSession = () => request<ConsoleSession>('GET', '/console/session', { sessionCall: true });
export const signOut = () => request<void>('DELETE', '/console/session', { sessionCall: true });

// --- reading ---

export const overviewStats = (hours = 24) => request<OverviewStats>('GET', '/stats/overview', { query: { hours } });

export const listConnections = (query: ConnectionsQuery) => request<ConnectionPage>('GET', '/connections', { query: query as Query });

export const getConnection = (connectionId: string) => request<ConnectionView>('GET', `/connections/${id(connectionId)}`);

export const listRuns = (connectionId: string, query: { model?: string; before?: string; limit?: number } = {}) =>
  request<SyncRunList>('GET', `/connections/${id(connectionId)}/runs`, { query });

export const runEvents = (connectionId: string, runId: string, after?: number) =>
  request<RunEvents>('GET', `/connections/${id(connectionId)}/runs/${id(runId)}/events`, { query: { after } });

export const listWebhookDeliveries = (connectionId: string) =>
  request<{ deliveries: WebhookDelivery[] }>('GET', `/connections/${id(connectionId)}/webhook-deliveries`);

export const listActions = (connectionId: string, limit = 20) =>
  request<{ actions: ActionSummary[] }>('GET', `/connections/${id(connectionId)}/actions`, { query: { limit } });

export const searchLogs = (query: LogsQuery) => request<LogPage>('GET', '/logs', { query: query as Query });

export const listRecords = (query: { connectionId: string; model: string; cursor?: string; limit?: number }) =>
  request<RecordsPage>('GET', '/records', { query });

export const recordHistory = (query: { connectionId: string; model: string; id: string }) =>
  request<RecordHistory>('GET', '/record-history', { query });

export const listIntegrations = () => request<{ integrations: IntegrationRow[] }>('GET', '/integrations');

export const getIntegration = (key: string) => request<IntegrationDetail>('GET', `/integrations/${id(key)}`);

// --- acting (admin scope; each carries the CSRF token) ---

export const requestSync = (connectionId: string, body: SyncRequest) =>
  request<SyncAccepted>('POST', `/connections/${id(connectionId)}/sync`, { body });

export const updateConnection = (connectionId: string, body: UpdateConnectionRequest) =>
  request<ConnectionView>('PATCH', `/connections/${id(connectionId)}`, { body });

export const deleteConnection = (connectionId: string) =>
  request<{ connectionId: string; deleted: true }>('DELETE', `/connections/${id(connectionId)}`);

export const createConnectSession = (integration: string, connectionId: string) =>
  request<ConnectSession>('POST', '/connect-sessions', { body: { integration, connectionId } });

export const redeliverWebhook = (connectionId: string, eventId: string) =>
  request<RedeliveryAccepted>('POST', `/connections/${id(connectionId)}/webhook-deliveries/${id(eventId)}/redeliver`);

export const createIntegration = (body: CreateIntegrationRequest) => request<IntegrationDetail>('POST', '/integrations', { body });

export const updateIntegration = (key: string, body: UpdateIntegrationRequest) =>
  request<IntegrationDetail>('PATCH', `/integrations/${id(key)}`, { body });

