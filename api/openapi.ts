// The OpenAPI 3.1 document, built from the route table, the schemas' JSON Schema conversions and the provider catalog.
import { z } from 'zod';
import { version } from '../package.json';
import type { ProviderCatalog } from '../providers/catalog';
import { withProviders } from './openapi-providers';
import { componentId, isRedirect, routes, type ErrorStatus, type OperationId, type RouteContract } from './openapi-routes';

type JsonSchema = z.core.JSONSchema.BaseSchema;

const COMPONENT_URI = '#/components/schemas/';

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
  401: { name: 'Unauthorized', description: 'The secret key is missing or wrong (or the console session is missing, expired or signed out).', schema: 'Error' },
  403: {
    name: 'Forbidden',
    description:
      '`forbidden`: the key (or console session) has the `read` scope and this route needs `admin` (`requiredScope` says so). `csrf_failed`: a change made with the console\'s session cookie without its X-CSRF-Token, or from another origin; nothing changed.',
    schema: 'Error',
  },
  404: {
    name: 'NotFound',
    description:
      'What the request names does not exist: the integration or connection it addresses or creates a connection of, the provider it registers an OAuth app of, a changes feed (a model the connection does not sync), or, creating an integration or connection, a model the provider does not have. `fields` names the field when it is in the query or body.',
    schema: 'Error',
  },
  409: {
    name: 'Conflict',
    description:
      "It conflicts with what it addresses as it now is: it already exists, the connection has no running workflow or another request is creating or deleting it, a change or sync names a model the connection or its provider does not have, the change would leave a connection no model, a cursor belongs to another changes feed, or a URL is on another provider's hosts. `fields` names the field when it is one.",
    schema: 'Error',
  },
  503: { name: 'Unavailable', description: 'Temporal did not accept the request; retrying is safe.', schema: 'Error' },
};

function content(body: z.ZodType, mediaType = 'application/json') {
  const id = componentId(body);
  const { $schema: _schema, ...inline } = id ? {} : z.toJSONSchema(body, conversion);
  return { [mediaType]: { schema: id ? { $ref: `${COMPONENT_URI}${id}` } : inline } };
}

function parameters(schema: z.ZodObject | undefined, where: 'path' | 'query' | 'header') {
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
  // Any status may be another server's (the proxy's provider), so `default` documents Tributary's own refusals too.
  if (route.responses.default) return {};
  const statuses = [
    ...(route.params || route.query || route.headers || route.body ? [400 as const] : []),
    ...(route.secured ? [401 as const] : []),
    ...(route.secured && route.scope === 'admin' ? [403 as const] : []),
    ...(route.errors ?? []),
  ].filter((status) => !(status in route.responses));
  return {
    ...Object.fromEntries(statuses.map((status) => [status, { $ref: `#/components/responses/${ERROR_RESPONSES[status].name}` }])),
    // Node's HTTP server refuses a request head over its limit (16 KiB) before any route sees it; only a query string
    // can make a head that long.
    ...(route.query ? { 431: { $ref: '#/components/responses/RequestTooLarge' } } : {}),
  };
}

const TAGS = {
  integrations: "A provider's OAuth app, registered once.",
  'connect-sessions': "Let a customer's browser connect their account, without your secret key.",
  oauth: "The browser's side of connecting: authorised by a connect token or OAuth state, answers HTML pages and redirects.",
  connections: 'One customer account: its status, runs and webhooks.',
  records: 'The changes feed.',
  proxy: "Any request to a connection's provider API, sent with its credentials; the answer is the provider's.",
  'record-history': "One record's stored JSON and its changes.",
  stats: "The console's overview.",
  logs: 'The event log: what runs, actions, webhook deliveries and connections did.',
  console: "The console's sign-in: a session cookie for the browser, made with a secret key.",
  service: 'Probes, metrics and this document; no secret key needed.',
};

function tagOf(path: string): keyof typeof TAGS {
  const segment = path.split('/')[1];
  return segment in TAGS ? (segment as keyof typeof TAGS) : 'service';
}

/**
 * OpenAPI links from a create's 201 to every secured operation with a parameter named like the created id (path or
 * query), filled from the answer's body.
 */
function linksOf(route: RouteContract) {
  const field = route.createdIdField;
  if (!field) return undefined;
  const links: Record<string, { operationId: string; parameters: Record<string, string>; description: string }> = {};
  for (const [operationId, target] of Object.entries(routes) as [OperationId, RouteContract][]) {
    if (target === route || !target.secured) continue;
    const where = field in (target.params?.shape ?? {}) ? 'path' : field in (target.query?.shape ?? {}) ? 'query' : null;
    if (!where) continue;
    const name = operationId.charAt(0).toUpperCase() + operationId.slice(1);
    links[name] = { operationId, parameters: { [`${where}.${field}`]: `$response.body#/${field}` }, description: `${target.summary}, for the one just created.` };
  }
  return links;
}

function operation(operationId: string, route: RouteContract) {
  return {
    operationId,
    summary: route.summary,
    tags: [tagOf(route.path)],
    security: route.secured ? [{ secretKey: [] }, { consoleSession: [] }] : [],
    ...(route.scope ? { 'x-tributary-scope': route.scope } : {}),
    parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query'), ...parameters(route.headers, 'header')],
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
            : {
                description: response.description,
                content: content(response.body, response.mediaType),
                ...(status === '201' && route.createdIdField ? { links: linksOf(route) } : {}),
              },
        ]),
      ),
      ...errorResponses(route),
    },
  };
}

function componentSchemas(catalog: ProviderCatalog): Record<string, JsonSchema> {
  // The global registry holds every schema named with .meta({ id }); api/schemas.ts is where they are named.
  const { schemas: converted } = z.toJSONSchema(z.globalRegistry, { ...conversion, uri: (id) => `${COMPONENT_URI}${id}` });
  const schemas = Object.fromEntries(Object.entries(converted).map(([id, { $id: _id, $schema: _schema, ...schema }]) => [id, schema]));
  // Which providers, and the hosts each one's URLs may name: the catalog's, so one list is kept, in each entry.
  const providers = catalog.keys().map((key) => ({ key, hosts: catalog.get(key).hosts }));
  return withProviders(schemas, providers) as Record<string, JsonSchema>;
}

function buildDocument(catalog: ProviderCatalog) {
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
        "Connect your customers' SaaS accounts (CRMs first), keep their records synced into MongoDB, and read every change through the changes feed.",
    },
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      securitySchemes: {
        secretKey: {
          type: 'http',
          scheme: 'bearer',
          description:
            'One of TRIBUTARY_SECRET_KEYS. Its scope (`name:key:read` or `:admin`, the default) decides what it may call: each operation names the scope it needs in `x-tributary-scope`.',
        },
        consoleSession: {
          type: 'apiKey',
          in: 'cookie',
          name: 'tributary_console',
          description:
            "The console's session (POST /console/session), with the scope of the key it was made with. A POST, PATCH, PUT or DELETE made with it must send the session's `X-CSRF-Token` and come from the console's origin.",
        },
      },
      schemas: componentSchemas(catalog),
      responses: {
        ...Object.fromEntries(
          Object.values(ERROR_RESPONSES).map(({ name, description, schema }) => [
            name,
            { description, content: { 'application/json': { schema: { $ref: `${COMPONENT_URI}${schema}` } } } },
          ]),
        ),
        // Answered by Node's HTTP server itself, with no body.
        RequestTooLarge: { description: 'The request line and headers exceed 16 KiB (a query string far longer than any valid one).' },
      },
    },
  };
}

export type OpenApiDocument = ReturnType<typeof buildDocument>;

const documents = new WeakMap<ProviderCatalog, OpenApiDocument>();

/** Built on first use and kept for the catalog: neither it nor the schemas change while the process runs. */
export function openApiDocument(catalog: ProviderCatalog): OpenApiDocument {
  let document = documents.get(catalog);
  if (!document) {
    document = buildDocument(catalog);
    documents.set(catalog, document);
  }
  return document;
}
