// The route table: every API route's contract in one place. Routers serve its entries (api/openapi-implement.ts),
// and the OpenAPI document (api/openapi.ts) and the typed client (client/) are generated from it, so a route cannot
// be served without being documented. Pure data and zod: the client imports it without Express.
import { z } from 'zod';
import type { KeyScope } from '../security/secret-key';
import * as schemas from './schemas';

export interface BodyResponseContract {
  description: string;
  body: z.ZodType;
  /** JSON unless said otherwise; any other media type carries a string body as is. */
  mediaType?: string;
}

/** A redirect (the browser routes of the connect flow): no body, the handler names where the browser goes next. */
export interface RedirectResponseContract {
  description: string;
  redirect: true;
}

export type ResponseContract = BodyResponseContract | RedirectResponseContract;

export const isRedirect = (response: ResponseContract): response is RedirectResponseContract => 'redirect' in response;

/** The AppError statuses a route can answer with, besides 400, 401 and 403 which are derived (see errorResponses). */
export type ErrorStatus = 401 | 403 | 404 | 409 | 503;

export interface RouteContract {
  method: 'get' | 'post' | 'put' | 'patch' | 'delete' | 'options';
  /** An OpenAPI path template: `/connections/{connectionId}`. */
  path: string;
  /** The path parameter (the last) that takes the rest of the path, slashes included: `/proxy/{path}`. */
  wildcardParam?: string;
  /** The path carries a secret (a webhook URL's): failures are logged by the route's pattern, never by the path. */
  secretInPath?: boolean;
  summary: string;
  /** Needs `Authorization: Bearer <secret key>` (or a console session); only the probes, the metrics and this document do not. */
  secured: boolean;
  /**
   * The scope a key (or console session) needs, on every secured route: `read` for what only looks, `admin` for
   * what changes anything or shows a secret. A `read` key gets 403 naming it on an `admin` route.
   */
  scope?: KeyScope;
  params?: z.ZodObject;
  query?: z.ZodObject;
  /** Request headers the route reads (names in lower case), documented as header parameters. */
  headers?: z.ZodObject;
  body?: z.ZodType;
  /**
   * JSON unless said otherwise: the browser's connect form posts `application/x-www-form-urlencoded`. RAW_BODY: any
   * media type, read as bytes and never parsed (the proxy forwards them, provider webhooks check a signature over
   * them), up to the limit the route's handler sets before the first byte is read (see openapi-implement.ts).
   */
  bodyMediaType?: 'application/json' | 'application/x-www-form-urlencoded' | typeof RAW_BODY;
  /** The answers the route's handler returns, by status; `default`: any status (the provider's own, through the proxy). */
  responses: { [status: number]: ResponseContract; default?: BodyResponseContract };
  errors?: readonly ErrorStatus[];
  /**
   * The field of the 201 body that names what was created (`connectionId`): the document links the answer to every
   * operation taking a parameter of that name, so clients and stateful testers can follow it.
   */
  createdIdField?: string;
}

/** The component name a schema was given with `.meta({ id })` in api/schemas.ts. */
export function componentId(schema: z.ZodType): string | undefined {
  return z.globalRegistry.get(schema)?.id;
}

function defineRoute<const R extends RouteContract>(route: R): R {
  const where = `${route.method.toUpperCase()} ${route.path}`;
  if (route.secured && !route.scope) throw new Error(`${where}: a secured route declares the scope it needs (read or admin)`);
  // Only what looks may be read-scoped: a state-changing method needs admin, whatever its handler does.
  if (route.scope === 'read' && route.method !== 'get') throw new Error(`${where}: only GET routes may need just the read scope`);
  const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const declared = Object.keys(route.params?.shape ?? {}).sort();
  if (placeholders.join() !== declared.join()) {
    throw new Error(`${where}: the path has parameters {${placeholders.join(', ')}} but params declares {${declared.join(', ')}}`);
  }
  // JSON bodies are documented by reference, so each needs a component name.
  const jsonResponses = Object.values(route.responses).filter((r): r is BodyResponseContract => !isRedirect(r) && !r.mediaType);
  const jsonBody = route.bodyMediaType === undefined || route.bodyMediaType === 'application/json' ? route.body : undefined;
  for (const schema of [jsonBody, ...jsonResponses.map((r) => r.body)]) {
    if (schema && !componentId(schema)) throw new Error(`${where}: a JSON body schema has no .meta({ id }) to name it in the document`);
  }
  if (route.wildcardParam !== undefined && !route.path.endsWith(`/{${route.wildcardParam}}`)) {
    throw new Error(`${where}: the wildcard parameter {${route.wildcardParam}} must end the path`);
  }
  return route;
}

const HTML = 'text/html; charset=utf-8';

/** The media type of a body read as bytes, whatever the sender says it is. */
export const RAW_BODY = '*/*';

export const isRawBody = (route: RouteContract): boolean => route.bodyMediaType === RAW_BODY;

const rawBytes = z.unknown().meta({ description: 'Bytes of any media type, passed on as sent.' });

/** The proxy's operations: one per method (HEAD comes with GET), all on `/proxy/{path}`, all answered by the provider. */
function proxyRoute<const M extends RouteContract['method']>(method: M, withBody: boolean) {
  return defineRoute({
    method,
    path: '/proxy/{path}',
    wildcardParam: 'path',
    summary: `${method.toUpperCase()} any path of the connection's provider API, with its credentials; the answer is the provider's, as it came`,
    secured: true,
    // Whatever the method: the proxy acts with the customer's token, and whether a request changes anything there is
    // the provider's business, not something Tributary can tell.
    scope: 'admin',
    params: proxyParams,
    headers: proxyHeaders,
    ...(withBody ? { body: rawBytes, bodyMediaType: RAW_BODY } : {}),
    responses: {
      default: {
        description:
          "The provider's answer: its status, headers (less hop-by-hop ones) and body. Or Tributary's own refusal, as its JSON error body: 400 (no Connection-Id, a path off the provider's host), 401 (the secret key), 404 (no such connection), 409 (another integration's connection, one to reconnect, or with no API host yet), 503 (the provider did not answer, or a refresh did not come). Any status may be either, so all are documented here.",
        mediaType: RAW_BODY,
        body: rawBytes,
      },
    },
  });
}

const proxyParams = z.strictObject({
  path: z.string().min(1).meta({ description: "The provider API's path, slashes included (`services/data/v62.0/sobjects/Contact`); the query string goes on as sent." }),
});

const proxyHeaders = z.object({
  'connection-id': schemas.identifier.meta({ description: 'The connection whose credentials and API host the request uses.' }),
  'provider-config-key': schemas.identifier.optional().meta({ description: "The connection's integration, when the caller wants it checked." }),
});

export const routes = {
  health: defineRoute({
    method: 'get',
    path: '/healthz',
    summary: 'The process is up',
    secured: false,
    responses: { 200: { description: 'Up.', body: schemas.health } },
  }),
  readiness: defineRoute({
    method: 'get',
    path: '/readyz',
    summary: 'The database and Temporal answer',
    secured: false,
    responses: {
      200: { description: 'Ready to serve.', body: schemas.readiness },
      503: { description: 'The database or Temporal does not answer.', body: schemas.readiness },
    },
  }),
  openApiDocument: defineRoute({
    method: 'get',
    path: '/openapi.json',
    summary: 'This OpenAPI 3.1 document',
    secured: false,
    responses: { 200: { description: 'The document.', body: schemas.openApiDocumentBody } },
  }),
  metrics: defineRoute({
    method: 'get',
    path: '/metrics',
    summary: "This API process' Prometheus metrics",
    secured: false,
    responses: {
      200: { description: 'The Prometheus text exposition format.', mediaType: 'text/plain; version=0.0.4', body: schemas.prometheusText },
    },
  }),
  createConsoleSession: defineRoute({
    method: 'post',
    path: '/console/session',
    summary: 'Sign in to the console: a secret key is exchanged for an HttpOnly session cookie (the browser never keeps the key)',
    secured: false,
    body: schemas.consoleSignIn,
    responses: {
      201: {
        description:
          'Signed in: `Set-Cookie: tributary_console=…; HttpOnly; SameSite=Strict; Path=/; Max-Age=28800` (`; Secure` when TRIBUTARY_PUBLIC_URL is https). Send `csrfToken` as `X-CSRF-Token` with every change made with the cookie.',
        body: schemas.consoleSession,
      },
    },
    // 401: a wrong key (no cookie is set); 403: a browser said the request came from another site.
    errors: [401, 403],
  }),
  getConsoleSession: defineRoute({
    method: 'get',
    path: '/console/session',
    summary: "The console session the request's cookie names",
    secured: false,
    responses: { 200: { description: 'Signed in.', body: schemas.consoleSession } },
    errors: [401],
  }),
  deleteConsoleSession: defineRoute({
    method: 'delete',
    path: '/console/session',
    summary: 'Sign out of the console: the session ends and its cookie is cleared',
    secured: false,
    responses: { 204: { description: 'Signed out; `Set-Cookie` clears the cookie.', body: z.string(), mediaType: 'text/plain' } },
    // 403: without the session's X-CSRF-Token, or from another origin.
    errors: [401, 403],
  }),
  createIntegration: defineRoute({
    method: 'post',
    path: '/integrations',
    summary: "Register a provider's OAuth app",
    secured: true,
    scope: 'admin',
    body: schemas.createIntegrationBody,
    responses: { 201: { description: 'Registered.', body: schemas.integrationDetail } },
    errors: [404, 409],
    createdIdField: 'key',
  }),
  listIntegrations: defineRoute({
    method: 'get',
    path: '/integrations',
    summary: 'List integrations',
    secured: true,
    scope: 'read',
    responses: { 200: { description: 'Every integration, by key.', body: schemas.integrationList } },
  }),
  getIntegration: defineRoute({
    method: 'get',
    path: '/integrations/{key}',
    summary: 'Get an integration',
    secured: true,
    scope: 'read',
    params: schemas.integrationKeyParams,
    responses: { 200: { description: 'The integration.', body: schemas.integrationDetail } },
    errors: [404],
  }),
  updateIntegration: defineRoute({
    method: 'patch',
    path: '/integrations/{key}',
    summary: 'Change an integration: scopes, URLs, extra fields, or rotate its client secret',
    secured: true,
    scope: 'admin',
    params: schemas.integrationKeyParams,
    body: schemas.updateIntegrationBody,
    responses: { 200: { description: 'The integration as it now is (never its client secret).', body: schemas.integrationDetail } },
    errors: [404, 409],
  }),
  deleteIntegration: defineRoute({
    method: 'delete',
    path: '/integrations/{key}',
    summary: 'Delete an integration no connection uses',
    secured: true,
    scope: 'admin',
    params: schemas.integrationKeyParams,
    responses: { 200: { description: 'Deleted.', body: schemas.integrationDeleted } },
    errors: [404, 409],
  }),
  createConnection: defineRoute({
    method: 'post',
    path: '/connections',
    summary: "Connect a customer account and start its workflow",
    secured: true,
    scope: 'admin',
    body: schemas.createConnectionBody,
    responses: { 201: { description: 'Connected; the first sync of each model starts now.', body: schemas.connection } },
    errors: [404, 409, 503],
    createdIdField: 'connectionId',
  }),
  createConnectSession: defineRoute({
    method: 'post',
    path: '/connect-sessions',
    summary: "Let a customer's browser connect (or re-authorise) an account",
    secured: true,
    scope: 'admin',
    body: schemas.createConnectSessionBody,
    responses: { 201: { description: "Created; send the customer's browser to connectUrl.", body: schemas.connectSession } },
    errors: [404, 409],
  }),
  oauthConnect: defineRoute({
    method: 'get',
    path: '/oauth/connect/{integration}',
    summary: 'The browser opens the connect URL: the connect screen (what will be read, a Connect button); nothing is spent',
    secured: false,
    params: schemas.connectParams,
    query: schemas.connectQuery,
    responses: {
      200: { description: "The connect screen: the app's name, the provider, what will be read, and a form that posts the link's parameters back.", mediaType: HTML, body: schemas.htmlPage },
      400: { description: 'An error page: the connect link is malformed.', mediaType: HTML, body: schemas.htmlPage },
      404: { description: 'An error page: the connect link is unknown, expired or already used.', mediaType: HTML, body: schemas.htmlPage },
    },
  }),
  oauthConnectSubmit: defineRoute({
    method: 'post',
    path: '/oauth/connect/{integration}',
    summary: "The customer pressed Connect: the connect token is spent and the browser sent on to the provider's consent page",
    secured: false,
    params: schemas.connectParams,
    body: schemas.connectForm,
    bodyMediaType: 'application/x-www-form-urlencoded',
    responses: {
      303: { description: "To the provider's authorize URL, with the integration's scopes (connect inputs filled in), a single-use state and PKCE (S256).", redirect: true },
      400: {
        description: "An error page: the connect link is malformed. Or, with nothing spent, the connect screen again saying which connect input (`input.<name>`) the provider's rules refuse.",
        mediaType: HTML,
        body: schemas.htmlPage,
      },
      403: {
        description:
          'An error page, and nothing spent: the form was not posted by the connect screen (another site, by `Sec-Fetch-Site` or `Origin`; or neither header and no echo of the screen\'s cookie).',
        mediaType: HTML,
        body: schemas.htmlPage,
      },
      404: { description: 'An error page, and nothing spent: the connect link is unknown, expired or already used.', mediaType: HTML, body: schemas.htmlPage },
      503: {
        description: "An error page, and nothing spent: the integration's authorization URL breaks the provider's host rules (the operator must correct it).",
        mediaType: HTML,
        body: schemas.htmlPage,
      },
    },
  }),
  oauthCallback: defineRoute({
    method: 'get',
    path: '/oauth/callback',
    summary: 'The provider sends the browser back; the code is exchanged and the connection created or re-authorised',
    secured: false,
    query: schemas.oauthCallbackQuery,
    responses: {
      200: { description: 'Connected: a success page.', mediaType: HTML, body: schemas.htmlPage },
      302: { description: "Connected: to the connect session's redirectUrl with `connectionId` and `status=connected`.", redirect: true },
      400: {
        description:
          'An error page, and nothing changed: the state is missing or from another browser, the provider answered an error (the customer denied access), or it refused the code.',
        mediaType: HTML,
        body: schemas.htmlPage,
      },
      404: { description: 'An error page, and nothing changed: the state is unknown, already used or expired.', mediaType: HTML, body: schemas.htmlPage },
      409: {
        description:
          'An error page, and nothing changed: the connection exists under another integration, the sign-in was into another provider account than the connection\'s (and the connect session did not set allowAccountChange), or the connection was deleted while the customer signed in.',
        mediaType: HTML,
        body: schemas.htmlPage,
      },
      503: { description: "An error page: the provider's token endpoint or Temporal did not answer; connecting again is safe.", mediaType: HTML, body: schemas.htmlPage },
    },
  }),
  listConnections: defineRoute({
    method: 'get',
    path: '/connections',
    summary: 'List connections, problems first: search (id, account id, metadata values) and filters, a page at a time',
    secured: true,
    scope: 'read',
    query: schemas.listConnectionsQuery,
    responses: { 200: { description: 'Connections, by id.', body: schemas.connectionList } },
  }),
  getConnection: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}',
    summary: "A connection's status, credential state and each model's last and next run",
    secured: true,
    scope: 'read',
    params: schemas.connectionIdParams,
    responses: { 200: { description: 'The connection.', body: schemas.connection } },
    errors: [404],
  }),
  updateConnection: defineRoute({
    method: 'patch',
    path: '/connections/{connectionId}',
    summary: 'Pause or resume it, enable or disable models, change frequencies, set metadata; the running workflow follows at once',
    secured: true,
    scope: 'admin',
    params: schemas.connectionIdParams,
    body: schemas.updateConnectionBody,
    responses: { 200: { description: 'The connection as changed.', body: schemas.connection } },
    errors: [404, 409],
  }),
  deleteConnection: defineRoute({
    method: 'delete',
    path: '/connections/{connectionId}',
    summary: "Delete a connection: its workflow stops every run, then its records, changes feeds, runs and webhook deliveries are removed",
    secured: true,
    scope: 'admin',
    params: schemas.connectionIdParams,
    responses: { 200: { description: 'Deleted.', body: schemas.connectionDeleted } },
    errors: [404, 409],
  }),
  requestSync: defineRoute({
    method: 'post',
    path: '/connections/{connectionId}/sync',
    summary: 'Sync now',
    secured: true,
    scope: 'admin',
    params: schemas.connectionIdParams,
    body: schemas.syncRequestBody,
    responses: { 202: { description: 'Accepted.', body: schemas.syncAccepted } },
    errors: [404, 409],
  }),
  listRuns: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}/runs',
    summary: "A connection's sync runs, newest first",
    secured: true,
    scope: 'read',
    params: schemas.connectionIdParams,
    query: schemas.runsQuery,
    responses: { 200: { description: 'A page of runs.', body: schemas.syncRunList } },
    errors: [404],
  }),
  getRun: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}/runs/{runId}',
    summary: 'One sync run with its activity log',
    secured: true,
    scope: 'read',
    params: schemas.runParams,
    responses: { 200: { description: 'The run.', body: schemas.syncRunDetail } },
    errors: [404],
  }),
  listRunEvents: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}/runs/{runId}/events',
    summary: "A run's timeline: mode, requests, pages, waits, refreshes, errors, invalid records and its end; poll with `after` while it runs",
    secured: true,
    scope: 'read',
    params: schemas.runParams,
    query: schemas.runEventsQuery,
    responses: { 200: { description: 'The run and its events after `after`, oldest first.', body: schemas.runEvents } },
    errors: [404],
  }),
  listActions: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}/actions',
    summary: "A connection's actions (write-backs) and their outcomes, newest first",
    secured: true,
    scope: 'read',
    params: schemas.connectionIdParams,
    query: schemas.actionsQuery,
    responses: { 200: { description: 'Actions.', body: schemas.actionList } },
    errors: [404],
  }),
  redeliverWebhook: defineRoute({
    method: 'post',
    path: '/connections/{connectionId}/webhook-deliveries/{eventId}/redeliver',
    summary: 'Send a webhook event again (a new delivery, retried as usual), e.g. once the receiver is fixed',
    secured: true,
    scope: 'admin',
    params: schemas.deliveryParams,
    responses: { 202: { description: 'Being sent again; its attempts appear in the deliveries.', body: schemas.redeliveryAccepted } },
    // 409: the event was delivered before Tributary kept events for redelivery; 503: Temporal did not start it.
    errors: [404, 409, 503],
  }),
  listWebhookDeliveries: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}/webhook-deliveries',
    summary: "A connection's last 100 webhook delivery attempts, newest first",
    secured: true,
    scope: 'read',
    params: schemas.connectionIdParams,
    responses: { 200: { description: 'Delivery attempts.', body: schemas.webhookDeliveryList } },
    errors: [404],
  }),
  runAction: defineRoute({
    method: 'post',
    // One path with getAction: an action's name and an action's id share the segment, so the document must say
    // both methods live on it (Allow, 405), naming the segment once.
    path: '/connections/{connectionId}/actions/{action}',
    summary: 'Run an action (a write) once per Idempotency-Key header',
    secured: true,
    scope: 'admin',
    params: schemas.actionParams,
    headers: schemas.actionHeaders,
    body: schemas.actionInput,
    responses: {
      200: { description: 'The action succeeded: its output.', body: schemas.actionResult },
      202: { description: 'Still running after the wait: poll GET …/actions/{actionId}.', body: schemas.actionResult },
      422: { description: "The provider refused the write (its message in error), or its outcome could not be known.", body: schemas.actionResult },
    },
    errors: [404, 409],
  }),
  getAction: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}/actions/{action}',
    summary: 'An action and its outcome',
    secured: true,
    scope: 'read',
    params: schemas.actionIdParams,
    responses: { 200: { description: 'The action.', body: schemas.actionResult } },
    errors: [404],
  }),
  receiveProviderWebhook: defineRoute({
    method: 'post',
    path: '/provider-webhooks/{integration}',
    summary: "Change notifications that prove themselves (signed with the app's client secret, or carrying the integration's webhook secret): sync soon",
    secured: false,
    params: schemas.providerWebhookParams,
    // Read as bytes once the integration is known, up to its kind's cap: the signature covers the exact bytes.
    body: rawBytes,
    bodyMediaType: RAW_BODY,
    responses: {
      204: { description: 'Accepted, with the empty answer the provider expects.', body: z.string(), mediaType: 'text/plain' },
    },
    // 401: a bad signature, or an unsigned provider's notification without its URL secret.
    errors: [401, 404],
  }),
  receiveProviderWebhookWithSecret: defineRoute({
    method: 'post',
    path: '/provider-webhooks/{integration}/{webhookSecret}',
    summary: "Unsigned change notifications, authenticated by the integration's URL secret: sync soon",
    secured: false,
    params: schemas.providerWebhookSecretParams,
    secretInPath: true,
    // Read as bytes only after the URL's secret is checked, up to the kind's cap: a stranger's body is never inflated.
    body: rawBytes,
    bodyMediaType: RAW_BODY,
    responses: {
      200: { description: 'Accepted, with the acknowledgement the provider expects (an XML envelope), whichever account the delivery names.', body: z.string(), mediaType: 'text/xml' },
    },
    errors: [401, 404],
  }),
  getOverview: defineRoute({
    method: 'get',
    path: '/stats/overview',
    summary: 'Connections by status and health, the problems, runs and records changed per hour, webhooks failing now',
    secured: true,
    scope: 'read',
    query: schemas.overviewQuery,
    responses: { 200: { description: 'The overview.', body: schemas.overview } },
  }),
  searchLogs: defineRoute({
    method: 'get',
    path: '/logs',
    summary: 'The event log of runs, actions, webhook deliveries and connections: filtered, searched, newest first',
    secured: true,
    scope: 'read',
    query: schemas.logsQuery,
    responses: { 200: { description: 'A page of events; follow nextCursor for older ones.', body: schemas.logPage } },
  }),
  getRecordHistory: defineRoute({
    method: 'get',
    path: '/record-history',
    summary: "One record as stored and its history: added, updated, deleted, when, and by which run",
    secured: true,
    scope: 'read',
    query: schemas.recordHistoryQuery,
    responses: { 200: { description: 'The record (null when never stored) and its changes, newest first.', body: schemas.recordHistory } },
    errors: [404],
  }),
  listRecords: defineRoute({
    method: 'get',
    path: '/records',
    summary: 'The changes feed of one model of one connection',
    secured: true,
    scope: 'read',
    query: schemas.recordsQuery,
    responses: { 200: { description: 'A page of changes; follow nextCursor.', body: schemas.recordsPage } },
    errors: [404, 409],
  }),
  proxyGet: proxyRoute('get', false),
  proxyPost: proxyRoute('post', true),
  proxyPut: proxyRoute('put', true),
  proxyPatch: proxyRoute('patch', true),
  proxyDelete: proxyRoute('delete', true),
  proxyOptions: proxyRoute('options', false),
};

export type Routes = typeof routes;
export type OperationId = keyof Routes;


/** The Express spelling of a route's path template: `/connections/:connectionId`, `/proxy/*path`. */
export function expressPath(path: string, wildcardParam?: string): string {
  return path.replace(/\{(\w+)\}/g, (_, name: string) => (name === wildcardParam ? `*${name}` : `:${name}`));
}

