// The route table: every API route's contract in one place. Routers serve its entries through `implement`, and the
// OpenAPI document and the typed client are generated from it, so a route cannot be served without being documented.
import type { IncomingHttpHeaders } from 'node:http';
import type { Router } from 'express';
import { z } from 'zod';
import { version } from '../package.json';
import * as schemas from './schemas';
import { parseInput } from './validation';

interface BodyResponseContract {
  description: string;
  body: z.ZodType;
  /** JSON unless said otherwise; any other media type carries a string body as is. */
  mediaType?: string;
}

/** A redirect (the browser routes of the connect flow): no body, the handler names where the browser goes next. */
interface RedirectResponseContract {
  description: string;
  redirect: true;
}

type ResponseContract = BodyResponseContract | RedirectResponseContract;

const isRedirect = (response: ResponseContract): response is RedirectResponseContract => 'redirect' in response;

/** The AppError statuses a route can answer with, besides 400 and 401 which are derived (see errorResponses). */
type ErrorStatus = 404 | 409 | 503;

export interface RouteContract {
  method: 'get' | 'post' | 'delete';
  /** An OpenAPI path template: `/connections/{connectionId}`. */
  path: string;
  summary: string;
  /** Needs `Authorization: Bearer <secret key>`; only the probes, the metrics and this document do not. */
  secured: boolean;
  params?: z.ZodObject;
  query?: z.ZodObject;
  body?: z.ZodType;
  /** JSON unless said otherwise: the browser's connect form posts `application/x-www-form-urlencoded`. */
  bodyMediaType?: 'application/json' | 'application/x-www-form-urlencoded';
  /** The answers the route's handler returns, by status. */
  responses: Record<number, ResponseContract>;
  errors?: readonly ErrorStatus[];
}

function defineRoute<const R extends RouteContract>(route: R): R {
  const where = `${route.method.toUpperCase()} ${route.path}`;
  const placeholders = [...route.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
  const declared = Object.keys(route.params?.shape ?? {}).sort();
  if (placeholders.join() !== declared.join()) {
    throw new Error(`${where}: the path has parameters {${placeholders.join(', ')}} but params declares {${declared.join(', ')}}`);
  }
  // JSON bodies are documented by reference, so each needs a component name.
  const jsonResponses = Object.values(route.responses).filter((r): r is BodyResponseContract => !isRedirect(r) && !r.mediaType);
  for (const schema of [route.body, ...jsonResponses.map((r) => r.body)]) {
    if (schema && !componentId(schema)) throw new Error(`${where}: a JSON body schema has no .meta({ id }) to name it in the document`);
  }
  return route;
}

const HTML = 'text/html; charset=utf-8';

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
  createIntegration: defineRoute({
    method: 'post',
    path: '/integrations',
    summary: "Register a provider's OAuth app",
    secured: true,
    body: schemas.createIntegrationBody,
    responses: { 201: { description: 'Registered.', body: schemas.integration } },
    errors: [409],
  }),
  listIntegrations: defineRoute({
    method: 'get',
    path: '/integrations',
    summary: 'List integrations',
    secured: true,
    responses: { 200: { description: 'Every integration, by key.', body: schemas.integrationList } },
  }),
  getIntegration: defineRoute({
    method: 'get',
    path: '/integrations/{key}',
    summary: 'Get an integration',
    secured: true,
    params: schemas.integrationKeyParams,
    responses: { 200: { description: 'The integration.', body: schemas.integration } },
    errors: [404],
  }),
  createConnection: defineRoute({
    method: 'post',
    path: '/connections',
    summary: "Connect a customer account and start its workflow",
    secured: true,
    body: schemas.createConnectionBody,
    responses: { 201: { description: 'Connected; the first sync of each model starts now.', body: schemas.connection } },
    errors: [409, 503],
  }),
  createConnectSession: defineRoute({
    method: 'post',
    path: '/connect-sessions',
    summary: "Let a customer's browser connect (or re-authorise) an account",
    secured: true,
    body: schemas.createConnectSessionBody,
    responses: { 201: { description: "Created; send the customer's browser to connectUrl.", body: schemas.connectSession } },
    errors: [409],
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
      400: { description: 'An error page: the connect link is malformed, unknown, expired or already used.', mediaType: HTML, body: schemas.htmlPage },
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
      303: { description: "To the provider's authorize URL, with the integration's scopes, a single-use state and PKCE (S256).", redirect: true },
      400: { description: 'An error page: the connect link is malformed, unknown, expired or already used.', mediaType: HTML, body: schemas.htmlPage },
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
          'An error page, and nothing changed: the state is missing, unknown, used, expired or from another browser, the provider answered an error (the customer denied access), or it refused the code.',
        mediaType: HTML,
        body: schemas.htmlPage,
      },
      409: { description: 'An error page: the connection exists under another integration.', mediaType: HTML, body: schemas.htmlPage },
      503: { description: "An error page: the provider's token endpoint or Temporal did not answer; connecting again is safe.", mediaType: HTML, body: schemas.htmlPage },
    },
  }),
  listConnections: defineRoute({
    method: 'get',
    path: '/connections',
    summary: 'List connections with their status',
    secured: true,
    query: schemas.listConnectionsQuery,
    responses: { 200: { description: 'Connections, by id.', body: schemas.connectionList } },
  }),
  getConnection: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}',
    summary: "A connection's status, credential state and each model's last and next run",
    secured: true,
    params: schemas.connectionIdParams,
    responses: { 200: { description: 'The connection.', body: schemas.connection } },
    errors: [404],
  }),
  deleteConnection: defineRoute({
    method: 'delete',
    path: '/connections/{connectionId}',
    summary: "Delete a connection: end its workflow and remove its records, changes feeds, runs and webhook deliveries",
    secured: true,
    params: schemas.connectionIdParams,
    responses: { 200: { description: 'Deleted.', body: schemas.connectionDeleted } },
    errors: [404, 409],
  }),
  requestSync: defineRoute({
    method: 'post',
    path: '/connections/{connectionId}/sync',
    summary: 'Sync now',
    secured: true,
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
    params: schemas.connectionIdParams,
    query: schemas.runsQuery,
    responses: { 200: { description: 'A page of runs.', body: schemas.syncRunList } },
    errors: [404],
  }),
  listWebhookDeliveries: defineRoute({
    method: 'get',
    path: '/connections/{connectionId}/webhook-deliveries',
    summary: "A connection's last 100 webhook delivery attempts, newest first",
    secured: true,
    params: schemas.connectionIdParams,
    responses: { 200: { description: 'Delivery attempts.', body: schemas.webhookDeliveryList } },
    errors: [404],
  }),
  listRecords: defineRoute({
    method: 'get',
    path: '/records',
    summary: 'The changes feed of one model of one connection',
    secured: true,
    query: schemas.recordsQuery,
    responses: { 200: { description: 'A page of changes; follow nextCursor.', body: schemas.recordsPage } },
    errors: [404],
  }),
};

export type Routes = typeof routes;
export type OperationId = keyof Routes;

type Parsed<R, K extends 'params' | 'query' | 'body'> = R extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a handler receives: each declared part of the request, already validated. */
export interface RouteInput<R extends RouteContract> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** Unvalidated: for the few routes that read one (the connect flow's cookie). */
  headers: IncomingHttpHeaders;
}

type ResponseStatus<R extends RouteContract> = keyof R['responses'] & number;

/**
 * What a handler returns: one of the route's documented statuses with the body (or redirect) that status documents,
 * and any headers to set besides (the connect flow's cookie).
 */
export type RouteReply<R extends RouteContract> = {
  [S in ResponseStatus<R>]: (R['responses'][S] extends { redirect: true }
    ? { status: S; location: string }
    : R['responses'][S] extends { body: infer B extends z.ZodType }
      ? { status: S; body: z.output<B> }
      : never) & { headers?: Record<string, string> };
}[ResponseStatus<R>];

export function expressPath(path: string): string {
  return path.replace(/\{(\w+)\}/g, ':$1');
}

export type RouteHandler<R extends RouteContract> = (input: RouteInput<R>) => Promise<RouteReply<R>> | RouteReply<R>;

/** Handlers by operation id: a router passes the ones it serves. (A map, not a generic call, so reply statuses stay literal.) */
export type RouteHandlers = { [K in OperationId]?: RouteHandler<Routes[K]> };

type AnyReply = { status: number; body?: unknown; location?: string; headers?: Record<string, string> };
type AnyRouteHandler = (input: { params: unknown; query: unknown; body: unknown; headers: IncomingHttpHeaders }) => Promise<AnyReply> | AnyReply;

/**
 * Serves routes of the table: validates what each declares, runs its handler, and encodes the reply with the
 * documented schema. Encoding drops fields the schema does not list and fails loudly (a 500) on a reply that breaks it.
 */
export function implement(router: Router, handlers: RouteHandlers): void {
  for (const [operationId, handler] of Object.entries(handlers) as unknown as [OperationId, AnyRouteHandler][]) {
    const route: RouteContract = routes[operationId];
    router[route.method](expressPath(route.path), async (req, res) => {
      const reply = await handler({
        params: route.params ? parseInput(route.params, req.params, 'params') : undefined,
        query: route.query ? parseInput(route.query, req.query, 'query') : undefined,
        body: route.body ? parseInput(route.body, req.body, 'body') : undefined,
        headers: req.headers,
      });
      if (reply.headers) res.set(reply.headers);
      const response = route.responses[reply.status];
      // No body: Express' default one repeats the URL, and these URLs carry one-time states and codes.
      if (isRedirect(response)) return res.status(reply.status).location(reply.location as string).end();
      const body = z.encode(response.body, reply.body);
      if (response.mediaType) res.status(reply.status).type(response.mediaType).send(body);
      else res.status(reply.status).json(body);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The OpenAPI 3.1 document
// ---------------------------------------------------------------------------------------------------------------

type JsonSchema = z.core.JSONSchema.BaseSchema;

const COMPONENT_URI = '#/components/schemas/';

function componentId(schema: z.ZodType): string | undefined {
  return z.globalRegistry.get(schema)?.id;
}

// Every schema converts the way a client sees it on the wire: request defaults are optional, timestamps are strings.
const conversion = {
  target: 'draft-2020-12',
  io: 'input',
  override: ({ jsonSchema }: { jsonSchema: JsonSchema }) => {
    // zod spells out its date-time regex; the format says the same for readers and validators.
    if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
    // .int() bounds every integer by the safe range; saying so on every count is noise.
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
  },
} as const;

const ERROR_RESPONSES: Record<400 | 401 | ErrorStatus, { name: string; description: string; schema: string }> = {
  400: { name: 'ValidationFailed', description: 'The request is invalid; `fields` names each bad field.', schema: 'ValidationError' },
  401: { name: 'Unauthorized', description: 'The secret key is missing or wrong.', schema: 'Error' },
  404: { name: 'NotFound', description: 'The integration or connection does not exist.', schema: 'Error' },
  409: { name: 'Conflict', description: 'It already exists, the connection has no running workflow, or another request is creating or deleting it.', schema: 'Error' },
  503: { name: 'Unavailable', description: 'Temporal did not accept the request; retrying is safe.', schema: 'Error' },
};

function content(body: z.ZodType, mediaType = 'application/json') {
  const id = componentId(body);
  const { $schema: _schema, ...inline } = id ? {} : z.toJSONSchema(body, conversion);
  return { [mediaType]: { schema: id ? { $ref: `${COMPONENT_URI}${id}` } : inline } };
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query') {
  if (!schema) return [];
  const json = z.toJSONSchema(schema, conversion) as { properties: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(json.properties).map(([name, { description, ...property }]) => ({
    name,
    in: where,
    required: where === 'path' || (json.required ?? []).includes(name),
    ...(description ? { description } : {}),
    schema: property,
  }));
}

/**
 * 400 and 401 follow from the contract (it has input; it is secured), so no route can forget them. A route that
 * documents a status itself (the browser routes answer errors with HTML pages) keeps its own.
 */
function errorResponses(route: RouteContract) {
  const statuses = [
    ...(route.params || route.query || route.body ? [400 as const] : []),
    ...(route.secured ? [401 as const] : []),
    ...(route.errors ?? []),
  ].filter((status) => !(status in route.responses));
  return Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` }]));
}

const TAGS = {
  integrations: "A provider's OAuth app, registered once.",
  'connect-sessions': "Let a customer's browser connect their account, without your secret key.",
  oauth: "The browser's side of connecting: authorised by a connect token or OAuth state, answers HTML pages and redirects.",
  connections: 'One customer account: its status, runs and webhooks.',
  records: 'The changes feed.',
  service: 'Probes, metrics and this document; no secret key needed.',
};

function tagOf(path: string): keyof typeof TAGS {
  const segment = path.split('/')[1];
  return segment in TAGS ? (segment as keyof typeof TAGS) : 'service';
}

function operation(operationId: string, route: RouteContract) {
  return {
    operationId,
    summary: route.summary,
    tags: [tagOf(route.path)],
    security: route.secured ? [{ secretKey: [] }] : [],
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
    ...(route.body
      ? {
          // The API reads a missing body as {}, so a body is optional exactly when {} is valid.
          requestBody: { required: !route.body.safeParse({}).success, content: content(route.body, route.bodyMediaType) },
        }
      : {}),
    responses: {
      ...Object.fromEntries(
        Object.entries(route.responses).map(([status, response]) => [
          status,
          isRedirect(response)
            ? { description: response.description, headers: { Location: { required: true, schema: { type: 'string', format: 'uri' } } } }
            : { description: response.description, content: content(response.body, response.mediaType) },
        ]),
      ),
      ...errorResponses(route),
    },
  };
}

function componentSchemas(): Record<string, JsonSchema> {
  // The global registry holds every schema named with .meta({ id }); api/schemas.ts is where they are named.
  const { schemas: converted } = z.toJSONSchema(z.globalRegistry, { ...conversion, uri: (id) => `${COMPONENT_URI}${id}` });
  return Object.fromEntries(
    Object.entries(converted).map(([id, { $id: _id, $schema: _schema, ...schema }]) => [id, schema]),
  );
}

function buildDocument() {
  const paths: Record<string, Record<string, ReturnType<typeof operation>>> = {};
  for (const [operationId, route] of Object.entries(routes) as [OperationId, RouteContract][]) {
    (paths[route.path] ??= {})[route.method] = operation(operationId, route);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'Tributary API',
      version,
      description:
        "Connect your customers' SaaS accounts (Salesforce first), keep their records synced into MongoDB, and read every change through the changes feed.",
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        secretKey: { type: 'http', scheme: 'bearer', description: 'The TRIBUTARY_SECRET_KEY the API runs with.' },
      },
      schemas: componentSchemas(),
      responses: Object.fromEntries(
        Object.values(ERROR_RESPONSES).map(({ name, description, schema }) => [
          name,
          { description, content: { 'application/json': { schema: { $ref: `${COMPONENT_URI}${schema}` } } } },
        ]),
      ),
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

let document: OpenApiDocument | undefined;

/** Built on first use and kept: the schemas do not change while the process runs. */
export function openApiDocument(): OpenApiDocument {
  return (document ??= buildDocument());
}
