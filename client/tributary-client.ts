// A typed client for the Tributary API over global fetch: one method per route of the API's route table, with the
// same zod schemas, so requests are typed as the API validates them and answers are decoded as the API encodes them.
import { z } from 'zod';
import { routes, type OperationId, type RouteContract, type Routes } from '../api/openapi-routes';
import * as schemas from '../api/schemas';
import type { CrmCompany, CrmContact } from '../unified-model/unified-crm';

export type { CrmCompany, CrmContact, CrmEmail, CrmPhone } from '../unified-model/unified-crm';

export type CreateIntegrationRequest = z.input<typeof schemas.createIntegrationBody>;
export type UpdateIntegrationRequest = z.input<typeof schemas.updateIntegrationBody>;
export type CreateConnectionRequest = z.input<typeof schemas.createConnectionBody>;
export type CreateConnectSessionRequest = z.input<typeof schemas.createConnectSessionBody>;
export type ListConnectionsQuery = z.input<typeof schemas.listConnectionsQuery>;
export type SyncRequest = z.input<typeof schemas.syncRequestBody>;
export type RunsQuery = z.input<typeof schemas.runsQuery>;
export type RecordsQuery = z.input<typeof schemas.recordsQuery>;
export type UpdateConnectionRequest = z.input<typeof schemas.updateConnectionBody>;
export type ActionInput = z.input<typeof schemas.actionInput>;
export type OverviewQuery = z.input<typeof schemas.overviewQuery>;
export type RunEventsQuery = z.input<typeof schemas.runEventsQuery>;
export type LogsQuery = z.input<typeof schemas.logsQuery>;
export type RecordHistoryQuery = z.input<typeof schemas.recordHistoryQuery>;
export type ActionsQuery = z.input<typeof schemas.actionsQuery>;

export type Integration = z.output<typeof schemas.integration>;
export type Connection = z.output<typeof schemas.connection>;
export type ConnectionHealth = z.output<typeof schemas.connectionHealth>;
export type ConnectSession = z.output<typeof schemas.connectSession>;
export type SyncRun = z.output<typeof schemas.syncRun>;
export type WebhookDelivery = z.output<typeof schemas.webhookDelivery>;
export type ChangedRecord = z.output<typeof schemas.changedRecord>;
export type RecordsPage = z.output<typeof schemas.recordsPage>;
export type ErrorBody = z.output<typeof schemas.errorBody>;
export type ActionResult = z.output<typeof schemas.actionResult>;
export type Overview = z.output<typeof schemas.overview>;
export type RunEvent = z.output<typeof schemas.runEvent>;
export type LogEvent = z.output<typeof schemas.logEntry>;
export type RecordHistory = z.output<typeof schemas.recordHistory>;
export type ActionSummary = z.output<typeof schemas.actionSummary>;

/** What a record's `data` is for a model: the unified shapes for `crm.contacts` and `crm.companies`, else the provider's fields. */
export type RecordData<M extends string> = M extends 'crm.contacts' ? CrmContact : M extends 'crm.companies' ? CrmCompany : Record<string, unknown>;
export type ChangedRecordOf<M extends string> = Omit<ChangedRecord, 'data'> & { data: RecordData<M> };
export type RecordsPageOf<M extends string> = Omit<RecordsPage, 'records'> & { records: ChangedRecordOf<M>[] };

export interface ProxyRequest {
  connectionId: string;
  /** `GET`, `POST`, …: any method the provider's API takes. */
  method: string;
  /** The provider API's path, `/services/data/v62.0/sobjects/Contact/describe`; never an absolute URL, no `.`/`..` segments. */
  path: string;
  query?: Record<string, string | number | undefined>;
  /** Sent as JSON unless it is already a string or bytes, which go as they are. */
  body?: unknown;
  headers?: Record<string, string>;
  /** The connection's integration key, checked by the API (`Provider-Config-Key`). */
  integration?: string;
}

/** The decoded body of any status the route documents as an answer (not an error). */
type Answer<K extends OperationId> = {
  [S in keyof Routes[K]['responses']]: Routes[K]['responses'][S] extends { body: infer B extends z.ZodType } ? z.output<B> : never;
}[keyof Routes[K]['responses']];

interface RequestParts {
  params?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface TributaryClientOptions {
  /** Where the API is, e.g. `https://tributary.internal` (a path prefix is kept). */
  baseUrl: string;
  secretKey: string;
  /** Defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** A status the route does not document as an answer: the API's error body when it sent one, with its code and fields. */
export class TributaryApiError extends Error {
  override readonly name = 'TributaryApiError';

  constructor(
    readonly operationId: OperationId,
    readonly status: number,
    /** Null when the body is not the API's error shape, e.g. a proxy's error page. */
    readonly body: ErrorBody | null,
  ) {
    super(`${operationId}: ${status} ${body ? `${body.error.code}: ${body.error.message}` : 'without an error body from Tributary'}`);
  }

  get code(): ErrorBody['error']['code'] | undefined {
    return this.body?.error.code;
  }

  /** Each bad field of a 400, like `{ field: 'body.credentials.refreshToken', message: 'Required' }`. */
  get fields(): NonNullable<ErrorBody['error']['fields']> {
    return this.body?.error.fields ?? [];
  }
}

export class TributaryClient {
  private readonly baseUrl: string;
  private readonly secretKey: string;
  private readonly fetch: typeof fetch;

  constructor(options: TributaryClientOptions) {
    // A trailing slash makes relative resolution keep a path prefix: new URL('records', 'https://h/tributary/').
    this.baseUrl = options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`;
    this.secretKey = options.secretKey;
    this.fetch = options.fetch ?? globalThis.fetch;
  }

  health() {
    return this.call('health');
  }

  /** Answers (rather than throws) when not ready: 503 is a documented answer with the same body. */
  readiness() {
    return this.call('readiness');
  }

  openApiDocument() {
    return this.call('openApiDocument');
  }

  /** The Prometheus text of the API process. */
  metrics() {
    return this.call('metrics');
  }

  createIntegration(body: CreateIntegrationRequest) {
    return this.call('createIntegration', { body });
  }

  listIntegrations() {
    return this.call('listIntegrations');
  }

  getIntegration(key: string) {
    return this.call('getIntegration', { params: { key } });
  }

  /** Changes what is given; a new `clientSecret` rotates it (never returned). New `fields` backfill every connection once. */
  updateIntegration(key: string, body: UpdateIntegrationRequest) {
    return this.call('updateIntegration', { params: { key }, body });
  }

  /** Answers 409 while connections use the integration. */
  deleteIntegration(key: string) {
    return this.call('deleteIntegration', { params: { key } });
  }

  createConnection(body: CreateConnectionRequest) {
    return this.call('createConnection', { body });
  }

  /**
   * A connect URL for your customer's browser: it connects the account (or re-authorises an existing connection)
   * through the provider's consent page. The URL carries a one-time token; do not log it.
   */
  createConnectSession(body: CreateConnectSessionRequest) {
    return this.call('createConnectSession', { body });
  }

  /** A page of connections, problems first; `q` searches ids, account ids and metadata values. Follow `nextCursor`. */
  listConnections(query: ListConnectionsQuery = {}) {
    return this.call('listConnections', { query });
  }

  /** Connections by status and health, the problems, runs and records changed per hour, webhooks failing now. */
  getOverview(query: OverviewQuery = {}) {
    return this.call('getOverview', { query });
  }

  getConnection(connectionId: string) {
    return this.call('getConnection', { params: { connectionId } });
  }

  /** Pause or resume, enable or disable models, change frequencies, set metadata; the running workflow follows at once. */
  updateConnection(connectionId: string, body: UpdateConnectionRequest) {
    return this.call('updateConnection', { params: { connectionId }, body });
  }

  /** Ends the connection's workflow and removes everything stored for it; a second delete answers 404. */
  deleteConnection(connectionId: string) {
    return this.call('deleteConnection', { params: { connectionId } });
  }

  requestSync(connectionId: string, body: SyncRequest = {}) {
    return this.call('requestSync', { params: { connectionId }, body });
  }

  listRuns(connectionId: string, query: RunsQuery = {}) {
    return this.call('listRuns', { params: { connectionId }, query });
  }

  /** One run with its activity log: pages, retries and waits with reasons, fields it could not read. */
  getRun(connectionId: string, runId: string) {
    return this.call('getRun', { params: { connectionId, runId } });
  }

  /** A run's timeline, oldest first; pass the answer's `nextAfter` as `after` to poll a running run for what is new. */
  listRunEvents(connectionId: string, runId: string, query: RunEventsQuery = {}) {
    return this.call('listRunEvents', { params: { connectionId, runId }, query });
  }

  listWebhookDeliveries(connectionId: string) {
    return this.call('listWebhookDeliveries', { params: { connectionId } });
  }

  /** Sends one of the connection's webhook events again (needs an admin key). */
  redeliverWebhook(connectionId: string, eventId: string) {
    return this.call('redeliverWebhook', { params: { connectionId, eventId } });
  }

  /** The connection's actions and their outcomes, newest first. */
  listActions(connectionId: string, query: ActionsQuery = {}) {
    return this.call('listActions', { params: { connectionId }, query });
  }

  /** The event log of runs, actions, deliveries and connections, newest first; follow `nextCursor` for older events. */
  searchLogs(query: LogsQuery = {}) {
    return this.call('searchLogs', { query });
  }

  /** One record as stored and its changes (added, updated, deleted: when, by which run), newest first. */
  getRecordHistory(query: RecordHistoryQuery) {
    return this.call('getRecordHistory', { query });
  }

  /**
   * Runs an action (a write at the provider) once per idempotency key: a repeat with the same key answers with the
   * first run's outcome and writes nothing. `status` says how it went: `succeeded` (its output), `failed` (the
   * provider refused; its message in `error`), or `running` after the API's wait (poll `getAction` with `actionId`).
   */
  runAction(connectionId: string, action: string, input: ActionInput, options: { idempotencyKey: string }) {
    return this.call('runAction', { params: { connectionId, action }, body: input, headers: { 'idempotency-key': options.idempotencyKey } });
  }

  /** An action by the id `runAction` answered with, and its outcome once finished. */
  getAction(connectionId: string, actionId: string) {
    return this.call('getAction', { params: { connectionId, action: actionId } });
  }

  /**
   * Sends a request to the connection's provider API with its credentials through `/proxy` and returns the provider's
   * answer as it came (status, headers, body): any endpoint no sync or action covers. Tributary's own refusals (an
   * unknown connection, a refused host) come back as its error statuses with the error body, not thrown.
   */
  async proxy(request: ProxyRequest): Promise<Response> {
    const refused = refusedProxyPath(request.path);
    if (refused) throw new Error(`proxy: path ${refused}`);
    const proxyRoot = new URL('proxy/', this.baseUrl);
    const url = new URL(`proxy/${request.path.replace(/^\/+/, '')}`, this.baseUrl);
    // Belt and braces: whatever the checks above missed, the secret key only ever goes under /proxy/.
    if (url.origin !== proxyRoot.origin || !url.pathname.startsWith(proxyRoot.pathname)) throw new Error('proxy: path resolves outside /proxy');
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.append(name, String(value));
    }
    const raw = typeof request.body === 'string' || request.body instanceof Uint8Array;
    const headers: Record<string, string> = {
      ...(request.body !== undefined && !raw ? { 'content-type': 'application/json' } : {}),
      ...request.headers,
      authorization: `Bearer ${this.secretKey}`,
      'connection-id': request.connectionId,
      ...(request.integration ? { 'provider-config-key': request.integration } : {}),
    };
    return this.fetch(url, {
      method: request.method.toUpperCase(),
      headers,
      body: request.body === undefined ? undefined : raw ? (request.body as string | Uint8Array<ArrayBuffer>) : JSON.stringify(request.body),
    });
  }

  /** One page of a model's changes feed; `crm.contacts` and `crm.companies` pages carry the unified shapes in `data`. */
  listRecords<M extends string>(query: RecordsQuery & { model: M }): Promise<RecordsPageOf<M>> {
    return this.call('listRecords', { query }) as Promise<RecordsPageOf<M>>;
  }

  /** Pages of the changes feed from `query.cursor`, following nextCursor until everything visible now has been read. */
  async *iterateRecordPages<M extends string>(query: RecordsQuery & { model: M }): AsyncGenerator<RecordsPageOf<M>> {
    let cursor = query.cursor;
    for (;;) {
      const page = await this.listRecords({ ...query, cursor });
      yield page;
      if (!page.hasMore) return;
      cursor = page.nextCursor;
    }
  }

  /** Each change from `query.cursor` on; a record's `cursor` is where to resume after it. */
  async *iterateRecords<M extends string>(query: RecordsQuery & { model: M }): AsyncGenerator<ChangedRecordOf<M>> {
    for await (const page of this.iterateRecordPages(query)) yield* page.records;
  }

  private async call<K extends OperationId>(operationId: K, request: RequestParts = {}): Promise<Answer<K>> {
    const route: RouteContract = routes[operationId];
    const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(request.params?.[name] ?? ''));
    const url = new URL(path.slice(1), this.baseUrl);
    for (const [name, value] of Object.entries(request.query ?? {})) {
      if (value !== undefined) url.searchParams.set(name, String(value));
    }
    const first = Object.values(route.responses)[0];
    const headers: Record<string, string> = { accept: (first && 'mediaType' in first && first.mediaType) || 'application/json' };
    // The key goes only where it is needed, so the public routes can be called without one.
    if (route.secured) headers.authorization = `Bearer ${this.secretKey}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    Object.assign(headers, request.headers);

    const response = await this.fetch(url, {
      method: route.method.toUpperCase(),
      headers,
      body: request.body === undefined ? undefined : JSON.stringify(request.body),
    });
    const text = await response.text();
    const documented = route.responses[response.status];
    // fetch follows redirects, so a documented redirect never arrives here; only answers with a body do.
    if (!documented || !('body' in documented)) {
      const error = schemas.errorBody.safeParse(parseJson(text));
      throw new TributaryApiError(operationId, response.status, error.success ? error.data : null);
    }
    const answer = documented.body.safeParse(documented.mediaType ? text : parseJson(text));
    if (!answer.success) {
      throw new Error(`${operationId}: the ${response.status} answer does not match the documented schema:\n${z.prettifyError(answer.error)}`);
    }
    return answer.data as Answer<K>;
  }
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * Why a proxy path is refused, or null. The path is resolved against the API's URL, and URL resolution removes `.` and
 * `..` segments (also spelled `%2e`, and after dropping tabs and newlines) and reads `\` as `/`: a path built from
 * user input could then name another Tributary route and carry the secret key there. The query part is the
 * provider's business (a SOQL query may hold `..` or `\`) and is left alone.
 */
function refusedProxyPath(path: string): string | null {
  if (/^[a-z][a-z0-9+.-]*:/i.test(path)) return 'must be a path of the provider API, not an absolute URL';
  const pathPart = path.split(/[?#]/, 1)[0];
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is refused
  if (/[\u0000-\u001f\u007f]/.test(pathPart)) return 'must not contain control characters';
  if (pathPart.includes('\\')) return 'must not contain backslashes';
  const dotSegment = pathPart.split('/').find((segment) => /^(?:\.|%2e){1,2}$/i.test(segment));
  if (dotSegment !== undefined) return `must not contain "." or ".." segments ("${dotSegment}"): they would resolve outside the provider path`;
  return null;
}
