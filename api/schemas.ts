// The HTTP API's request and response schemas: the one source of truth for validation, the typed client and the
// OpenAPI document. Schemas with a `.meta({ id })` become named components of the document.
import { z } from 'zod';
import type { AppErrorCode } from '../errors/app-error';
import { SYNC_MODES } from '../contracts/sync-mode';
import { crmCompany, crmContact } from '../unified-model/unified-crm';

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces
// ---------------------------------------------------------------------------------------------------------------

export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be 1-128 letters, digits, "_", "-" or ".", starting with a letter or digit');

const modelName = z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, 'must be a model name (a lower-case letter, then up to 63 lower-case letters, digits or "_")');

// Limits the document declares so that no request it calls valid is refused for its size: the largest `fields` map
// (10 models of 200 names) is about 170 KB of JSON, under the API's 256 KB body limit with everything else a body holds.
const MAX_SYNC_MODELS = 50;
const MAX_FIELD_MODELS = 10;
const MAX_FIELDS_PER_MODEL = 200;

/** A map keyed by model name with at most `max` models; JSON Schema says so with maxProperties. */
const byModel = <V extends z.ZodType>(value: V, max: number) =>
  z
    .record(modelName, value)
    .refine((map) => Object.keys(map).length <= max, `must name at most ${max} models`)
    .meta({ maxProperties: max });

// Printable ASCII, as the document's `format: uri` already says (the rest percent-encoded): the URL parser would let a
// control character through, and it would be stored as given. (A .regex() here would replace the format in the document.)
const httpUrl = z
  .url({ protocol: /^https?$/, error: 'must be an http(s) URL' })
  .max(2048)
  .refine((url) => /^[\x21-\x7E]+$/.test(url), 'must be printable ASCII (percent-encode the rest)');

// These schemas are the typed client's too, and apps load the client: they know no provider, so that loading them
// loads no provider code (test/unit/client/client-module-graph.test.ts). Which providers and hosts there are is the
// server's to say: the OpenAPI document, built with the provider catalog, replaces these two marks with them
// (api/openapi-providers.ts), and the routes check a request against the catalog (an answer naming the field).

/** Marks the field naming a provider: the document turns its object into one variant per provider of the catalog. */
export const PROVIDER_KEY_MARK = 'x-tributary-provider-key';
/** Marks a URL Tributary sends a provider's credentials to: the document states the provider's own https hosts. */
export const PROVIDER_URL_MARK = 'x-tributary-provider-url';

/** A provider's key, as the catalog's keys are spelled; one the catalog does not hold is a 404. */
const providerKey = identifier.meta({ [PROVIDER_KEY_MARK]: true, description: 'Which provider the OAuth app belongs to.' });

/**
 * A URL Tributary sends a provider's credentials to. The provider's host rules check it (they may allow more than the
 * document states: an operator's extra hosts, loopback in development), so any http(s) URL passes here.
 */
const providerUrl = httpUrl.meta({ [PROVIDER_URL_MARK]: true });

// The query string carries numbers as text; `<number>` types what a typed caller passes, the coercion parses the text.
// An empty value (`?after=`) is refused rather than read as 0, which is what Number('') makes of it.
/**
 * Stated in the OpenAPI document, so a client knows where numbers end before asking: a round value under 2^53, the
 * largest integer a JSON number carries exactly (an event log `seq` is milliseconds × 1000, about 1.8 × 10^15 now).
 */
const QUERY_INTEGER_MAX = 9_000_000_000_000_000;
const queryInteger = (bounds: { min: number; max?: number; fallback: number }) =>
  z.preprocess<unknown, z.ZodDefault<z.ZodCoercedNumber<number>>, number | undefined>(
    // Typed callers pass a number; on the wire it is text, and an empty one is the case to catch.
    (value) => ((value as unknown) === '' ? Number.NaN : value),
    z.coerce
      .number<number>({ error: (issue) => (issue.code === 'invalid_type' ? 'expected a whole number' : undefined) })
      .int()
      .min(bounds.min)
      .max(bounds.max ?? QUERY_INTEGER_MAX)
      .default(bounds.fallback),
  );
const queryLimit = (max: number, fallback: number) => queryInteger({ min: 1, max, fallback });

/** On the wire an ISO 8601 string; in typed code on either side a Date, so routes hand over store values as they are. */
export const timestamp = z.codec(z.iso.datetime({ offset: true }), z.date(), {
  decode: (iso) => new Date(iso),
  encode: (date) => date.toISOString(),
});

export const connectionStatus = z.enum(['active', 'auth_error', 'rate_limited', 'degraded', 'paused']);
export const syncMode = z.enum(SYNC_MODES);
export const recordAction = z.enum(['added', 'updated', 'deleted']);

/** Secrets go in and never come back out: writeOnly says so to generated clients and documentation. */
const secret = (max: number, description: string) => z.string().min(1).max(max).meta({ writeOnly: true, description });

// ---------------------------------------------------------------------------------------------------------------
// Requests
// ---------------------------------------------------------------------------------------------------------------

/** `Tier__c`, `hs_lead_status`, or `*` for every field the account lets the integration user read. */
const fieldName = z.string().regex(/^(\*|[A-Za-z][A-Za-z0-9_]{0,79})$/, 'must be a field name (letters, digits, "_") or "*"');

const fieldNames = z.array(fieldName).max(MAX_FIELDS_PER_MODEL);

const modelFields = byModel(fieldNames, MAX_FIELD_MODELS)
  .meta({
    description:
      'Fields read on top of each model\'s own, by model: `{"contacts": ["Tier__c", "Region__c"]}`, or `["*"]` for every field the account lets the integration user read. Stored with each record; a field the account lacks is reported on the run, never fails it. Changing them backfills every connection once.',
  });

const connectionFields = byModel(fieldNames, MAX_FIELD_MODELS).meta({
  description:
    'Fields this connection reads on top of each model\'s own and its integration\'s, by model: `{"contacts": ["Tier__c"]}`, or `["*"]` for every field the account lets the integration user read. Adding one backfills this connection alone with one full resync at its next run.',
});

// RFC 6749 (appendix A.1): a client id is printable ASCII; it is stored as given, so no control character gets in.
const clientId = z.string().min(1).max(512).regex(/^[\x20-\x7E]*$/, 'must be printable ASCII');

// `{name}` names a connect input the provider asks for (`{environmentUrl}/.default`); the route checks which.
// Braces only around a connect input's name (`{environmentUrl}/.default`): declared here, so the document says so.
const scopes = z.array(z.string().max(256).regex(/^(?:[\w.:/-]|\{[A-Za-z][A-Za-z0-9]*\})+$/, 'must be a scope name (braces only around a connect input, as {name})')).max(50);

/**
 * What a provider asks before sign-in (its `connectInputs` in the OpenAPI document's provider descriptions): values by
 * name, checked against the provider's rules by the route (a 400 naming `connectInputs.<name>`).
 */
const connectInputValues = z
  .record(z.string().regex(/^[a-z][A-Za-z0-9]{0,63}$/, 'must be a connect input name'), z.string().max(2048))
  .refine((values) => Object.keys(values).length <= 10, 'must name at most 10 inputs')
  .meta({ maxProperties: 10 });

/** A registration: the document splits it into one variant per provider, each with its own provider's hosts. */
export const createIntegrationBody = z
  .strictObject({
    key: identifier,
    provider: providerKey,
    clientId,
    clientSecret: secret(512, "The OAuth app's client secret; stored encrypted, never returned."),
    scopes: scopes.optional(),
    authorizationUrl: providerUrl.optional().meta({ description: "Overrides the provider's default, e.g. for a provider's sandbox or a customer's own sign-in host." }),
    tokenUrl: providerUrl.optional().meta({ description: "Overrides the provider's default token endpoint." }),
    apiBaseUrl: providerUrl
      .optional()
      .meta({ description: "Overrides the provider's API host (a regional data centre, a sandbox). A per-connection host the provider hands out at sign-in (an instance URL, an API domain) still wins." }),
    fields: modelFields.optional(),
  })
  .meta({ id: 'CreateIntegrationRequest' });

export const updateIntegrationBody = z
  .strictObject({
    clientId: clientId.optional(),
    clientSecret: secret(512, 'A new client secret (rotation); stored encrypted, never returned.').optional(),
    scopes: scopes.optional(),
    // The integration's provider decides which hosts are allowed: one of another provider's is a 409.
    authorizationUrl: providerUrl.optional(),
    tokenUrl: providerUrl.optional(),
    apiBaseUrl: providerUrl.nullable().optional().meta({ description: "null: back to the provider's host." }),
    fields: modelFields.optional().meta({ description: "Replaces the integration's extra fields; models not named lose theirs." }),
    rotateWebhookUrl: z
      .literal(true)
      .optional()
      .meta({
        description:
          "A new random secret in `providerWebhook.url` (providers whose webhooks are unsigned), or in `providerWebhook.credentials` (providers whose deliveries carry it). The previous one keeps working for `webhookUrlGraceHours`, while each account's webhook is changed.",
      }),
    webhookUrlGraceHours: z
      .number()
      .int()
      .min(0)
      .max(720)
      .optional()
      .meta({ description: 'With `rotateWebhookUrl`: how long the previous URL (or credentials) is still accepted; default 168 (a week), 0 for a leaked one.' }),
  })
  .refine((body) => Object.keys(body).length > 0, { message: 'must change at least one field' })
  .refine((body) => body.webhookUrlGraceHours === undefined || body.rotateWebhookUrl === true, {
    message: 'only goes with "rotateWebhookUrl": true',
    path: ['webhookUrlGraceHours'],
  })
  .meta({ id: 'UpdateIntegrationRequest', minProperties: 1, dependentRequired: { webhookUrlGraceHours: ['rotateWebhookUrl'] } });

// The pattern is the whole rule, so the document tells clients exactly what is valid: a whole number of s, m, h or d
// above zero (at most six digits), or of ms from 1000 (at most nine digits); see contracts/duration.ts.
const frequency = z
  .string()
  .max(32)
  .regex(/^(?:0*[1-9]\d{0,5}(?:s|m|h|d)|0*[1-9]\d{3,8}ms)$/, 'must be a duration of at least 1s, like "30s", "5m", "1h" or "1d"')
  .meta({ description: 'How often the model syncs: a duration of at least 1s, like "30s", "5m", "1h" or "1d".' });

export const createConnectionBody = z
  .strictObject({
    connectionId: identifier,
    integration: identifier,
    credentials: z.strictObject({
      refreshToken: secret(4096, 'Stored encrypted, never returned.'),
      accessToken: secret(4096, 'Stored encrypted, never returned.').optional(),
      // The integration's provider decides which hosts are allowed: one of another provider's is a 409.
      instanceUrl: providerUrl.optional(),
      // For providers with several data centres: the token host (origin) the refresh token belongs to, Zoho's accounts
      // server `https://accounts.zoho.eu`; the integration's token URL's when absent.
      tokenHost: providerUrl.optional(),
    }),
    syncs: byModel(z.strictObject({ frequency }), MAX_SYNC_MODELS)
      .refine((map) => Object.keys(map).length > 0, 'enable at least one model')
      .optional()
      .meta({ minProperties: 1, description: "Models to sync and how often; every model of the provider at its default frequency when absent." }),
    fields: connectionFields.optional(),
    connectInputs: connectInputValues
      .optional()
      .meta({ description: "What the provider asks before sign-in, by name (an environment URL: `{\"environmentUrl\": \"https://…\"}`); required for such a provider, refused for others." }),
  })
  .meta({ id: 'CreateConnectionRequest' });

/** Free JSON the app keeps with a connection; bounded, because it is read on every webhook delivery. */
/** Any JSON value; one named component, since it refers to itself and several schemas use it. */
type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
const jsonValue: z.ZodType<JsonValue> = z
  .lazy(() => z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]))
  .meta({ id: 'JsonValue' });

const METADATA_MAX_BYTES = 16_384;
/** The metadata object itself is level 1. */
const METADATA_MAX_DEPTH = 10;
/** Stored as given, so no key MongoDB would read as an operator (`$…`) or a path (`a.b`). */
const metadataKey = z
  .string()
  .min(1)
  .max(128)
  // eslint-disable-next-line no-control-regex -- NUL on purpose: BSON keys end at one, so the driver refuses them
  .regex(/^[^$.\u0000][^.\u0000]*$/, 'must not start with "$" or contain "." (or NUL)');
// What the database cannot store is refused, not a 500: FerretDB (the development and test database, and a supported
// one) stores no string with a NUL and no array directly inside an array ("nested arrays are not supported").
// eslint-disable-next-line no-control-regex -- NUL on purpose
const metadataString = z.string().regex(/^[^\u0000]*$/, 'must not contain NUL');
type MetadataItem = string | number | boolean | null | { [key: string]: MetadataValue };
type MetadataValue = MetadataItem | MetadataItem[];
const metadataValue: z.ZodType<MetadataValue> = z
  .lazy(() => z.union([metadataString, z.number(), z.boolean(), z.null(), z.array(metadataItem), z.record(metadataKey, metadataValue)]))
  .meta({
    id: 'MetadataValue',
    description: `Any JSON value but an array directly inside an array, or a string with NUL; objects and arrays nest at most ${METADATA_MAX_DEPTH} levels deep in all, counting the metadata object.`,
  });
const metadataItem: z.ZodType<MetadataItem> = z
  .lazy(() => z.union([metadataString, z.number(), z.boolean(), z.null(), z.record(metadataKey, metadataValue)]))
  .meta({ id: 'MetadataArrayItem', description: 'An element of a metadata array: any metadata value but another array.' });

/**
 * Depth, keys and size, checked by one iterative walk before the recursive schema runs: zod descends one stack frame
 * per level, so 5,000 levels (10 KB of JSON) would overflow the stack instead of failing validation.
 */
function boundedMetadata(value: unknown, ctx: z.core.$RefinementCtx): unknown {
  if (typeof value !== 'object' || value === null) return value; // the record schema says what is wrong with it
  const pending: { node: object; path: (string | number)[] }[] = [{ node: value, path: [] }];
  while (pending.length > 0) {
    const { node, path } = pending.pop() as (typeof pending)[number];
    if (path.length >= METADATA_MAX_DEPTH) {
      ctx.addIssue({ code: 'custom', path, message: `nests deeper than ${METADATA_MAX_DEPTH} levels`, input: node });
      return value;
    }
    const entries: [string | number, unknown][] = Array.isArray(node) ? node.map((child, index) => [index, child]) : Object.entries(node);
    for (const [key, child] of entries) {
      if (typeof key === 'string' && !metadataKey.safeParse(key).success) {
        ctx.addIssue({ code: 'custom', path: [...path, key], message: 'key must be 1-128 characters, not start with "$" and not contain "."', input: key });
        return value;
      }
      // Said here with the place and the reason; the union schema below could only say "Invalid input".
      if (Array.isArray(node) && Array.isArray(child)) {
        ctx.addIssue({ code: 'custom', path: [...path, key], message: 'an array must not hold an array directly (the database cannot store it); wrap it in an object', input: child });
        return value;
      }
      if (typeof child === 'string' && child.includes('\u0000')) {
        ctx.addIssue({ code: 'custom', path: [...path, key], message: 'must not contain NUL', input: child });
        return value;
      }
      if (typeof child === 'object' && child !== null) pending.push({ node: child, path: [...path, key] });
    }
  }
  if (Buffer.byteLength(JSON.stringify(value)) > METADATA_MAX_BYTES) ctx.addIssue({ code: 'custom', message: 'must be at most 16 KiB as JSON', input: value });
  return value;
}

const connectionMetadata = z.preprocess(
  boundedMetadata,
  z.record(metadataKey, metadataValue).meta({
    description: `Free JSON the app keeps with the connection (at most 16 KiB as JSON, nested at most ${METADATA_MAX_DEPTH} levels, keys not starting with "$" and without ".", no array directly inside an array, no NUL in a string): returned by GET and carried in every webhook.`,
  }),
);

export const updateConnectionBody = z
  .strictObject({
    paused: z.boolean().optional().meta({ description: 'Pause the whole connection: no sync runs and no token refreshes until resumed.' }),
    metadata: connectionMetadata.nullable().optional(),
    syncs: byModel(
      z.strictObject({
        enabled: z.boolean().optional().meta({ description: 'Enable a model of the provider (including one added after the connection was made) or disable it.' }),
        frequency: frequency.optional(),
        paused: z.boolean().optional().meta({ description: 'Pause this model only; a run in flight stops at its next page boundary and resumes when unpaused.' }),
      }),
      MAX_SYNC_MODELS,
    ).optional(),
    fields: connectionFields.optional().meta({ description: "Replaces the connection's extra fields of each model named (`[]` removes them); models not named keep theirs." }),
  })
  .refine(
    (body) => body.paused !== undefined || body.metadata !== undefined || body.syncs !== undefined || body.fields !== undefined,
    'must change at least one of paused, metadata, syncs, fields',
  )
  .meta({ id: 'UpdateConnectionRequest', minProperties: 1 });

export const consoleSignIn = z
  .strictObject({ key: secret(1024, 'One of TRIBUTARY_SECRET_KEYS; exchanged for the session cookie, kept nowhere.') })
  .meta({ id: 'ConsoleSignIn' });

export const createConnectSessionBody = z
  .strictObject({
    integration: identifier,
    connectionId: identifier.meta({ description: 'The connection to create, or to re-authorise when it exists.' }),
    redirectUrl: httpUrl
      .max(2048)
      .optional()
      .meta({ description: "Where the browser goes once connected, with `?connectionId=…&status=connected`; Tributary's own page when absent." }),
    allowAccountChange: z
      .boolean()
      .default(false)
      .meta({
        description:
          "Let a re-authorisation move the connection to a different provider account (another organization or portal at the provider). Off: signing into another account is refused and the connection keeps its credentials.",
      }),
    connectInputs: connectInputValues
      .optional()
      .meta({ description: 'Pre-fills what the provider asks before sign-in (an environment URL); checked now, shown on the connect screen, where the customer may still change it.' }),
  })
  .meta({ id: 'CreateConnectSessionRequest' });

export const connectParams = z.strictObject({ integration: identifier });

export const connectQuery = z.strictObject({
  connectionId: identifier,
  connectToken: z.string().min(1).max(256).meta({ description: 'From POST /connect-sessions; starts one authorization.' }),
});

/** The connect screen's form field of a connect input: `input.<name>`. */
export const CONNECT_INPUT_FIELD_PREFIX = 'input.';

/** The connect screen's form posts the connect link's own parameters back, and the connect inputs typed there. */
export const connectForm = z
  .strictObject({
    connectionId: identifier,
    connectToken: secret(256, "From the connect URL; spent by this request (one authorization)."),
    screenNonce: secret(64, "Set by the connect screen: echoes its SameSite=Strict cookie, for browsers that send no Sec-Fetch-Site or Origin.").optional(),
  })
  // `input.<name>` fields besides: what the provider asks before sign-in, checked by the route against its rules.
  // Any other field a browser or an extension adds is ignored, as forms do, never read.
  .catchall(z.string().max(2048))
  .meta({ id: 'ConnectForm', description: "The connect link's parameters, posted by the connect screen's form." });

// Not strict: providers add parameters of their own to the callback (Salesforce communities add sfdc_community_*).
// Only these are read; each must be a single string, so `state[$ne]=` style input never reaches the store.
// RFC 6749 limits each to printable ASCII, and the state is always sent back (Tributary always sends one). The lengths
// keep the longest valid callback, percent-encoded, under Node's 16 KiB request head (a 431 otherwise).
const printableAscii = (max: number, string = z.string()) => string.max(max).regex(/^[\x20-\x7E]*$/, 'must be printable ASCII');
export const oauthCallbackQuery = z.looseObject({
  state: printableAscii(
    256,
    z.string({ error: (issue) => (issue.input === undefined ? 'the answer from the sign-in page has no state; start connecting again from the app' : undefined) }).min(1),
  ).meta({ description: 'The state Tributary sent the provider, which sends it back with the code or the error.' }),
  code: printableAscii(3072).min(1).optional(),
  error: printableAscii(256).optional(),
  error_description: printableAscii(1024).optional(),
});

export const connectionIdParams = z.strictObject({ connectionId: identifier });

export const integrationKeyParams = z.strictObject({ key: identifier });

export const healthState = z.enum(['ok', 'stuck', 'unknown']);

export const listConnectionsQuery = z.strictObject({
  q: z
    .string()
    .min(1)
    .max(200)
    .optional()
    .meta({ description: 'Case-insensitive substring of the connection id, the account id or any metadata value (metadata is searched in its first 2,000 characters).' }),
  integration: identifier.optional(),
  provider: identifier.optional(),
  status: connectionStatus.optional(),
  health: healthState.optional().meta({ description: "The last health scan's finding (see `health`)." }),
  failing: z.enum(['true', 'false']).optional().meta({ description: "`true`: connections where some model's last finished run failed." }),
  // The shape api/use-cases/connections.ts issues: the last row's rank (problems first) and id.
  cursor: z
    .string()
    .regex(/^[0-5]\.[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'is not a cursor issued by this API')
    .optional()
    .meta({ description: "The previous page's nextCursor." }),
  limit: queryLimit(100, 50),
});

export const overviewQuery = z.strictObject({
  hours: queryInteger({ min: 1, max: 168, fallback: 24 }).meta({ description: 'How many hours back the hourly charts go.' }),
});

export const runEventsQuery = z.strictObject({
  after: queryInteger({ min: 0, fallback: 0 }).meta({ description: "Only events after this `seq`: the previous answer's nextAfter, to poll a running run." }),
  limit: queryLimit(1000, 200),
});

export const logsQuery = z.strictObject({
  connectionId: identifier.optional(),
  integration: identifier.optional(),
  model: modelName.optional(),
  level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  kind: z.string().regex(/^[a-z_]{1,40}$/, 'must be an event kind such as page, request, error, attempt').optional(),
  window: z
    .enum(['1h', '24h', '7d'])
    .default('24h')
    .meta({ description: 'How far back from `until` (default: now), unless `since` says; a search reads at most 7 days back from `until`.' }),
  since: z.iso.datetime({ offset: true }).optional(),
  until: z.iso.datetime({ offset: true }).optional(),
  q: z.string().min(1).max(200).optional().meta({ description: "Case-insensitive substring of the message, or exactly a record id a run's page changed." }),
  // The shape api/routes/logs.ts issues: the last event's seq and id.
  cursor: z
    .string()
    .regex(/^\d{1,16}\.[A-Za-z0-9_-]{1,500}$/, 'is not a cursor issued by this API')
    .optional()
    .meta({ description: "The previous page's nextCursor." }),
  limit: queryLimit(200, 50),
});

export const recordHistoryQuery = z.strictObject({
  connectionId: identifier,
  model: modelName,
  id: z.string().min(1).max(255).meta({ description: "The provider's id of the record." }),
});

export const actionsQuery = z.strictObject({ limit: queryLimit(100, 20) });

export const deliveryParams = z.strictObject({
  connectionId: identifier,
  eventId: z.string().min(1).max(300).meta({ description: 'The delivery\'s eventId (as GET …/webhook-deliveries lists it).' }),
});

export const syncRequestBody = z
  .strictObject({
    models: z.array(modelName).min(1).max(MAX_SYNC_MODELS).optional().meta({ description: "Every model of the connection when absent." }),
    mode: syncMode.default('incremental').meta({ description: 'A full sync re-reads everything and marks records it no longer sees as deleted.' }),
  })
  .meta({ id: 'SyncRequest' });

export const recordsQuery = z.strictObject({
  connectionId: identifier,
  model: z
    .string()
    .regex(/^[a-z][a-z0-9_]{0,63}(\.[a-z][a-z0-9_]{0,63})?$/, 'must be a model name, or a unified model such as crm.contacts')
    .meta({
      description:
        "A model the connection syncs (`contacts`), or a unified CRM model (`crm.contacts`, `crm.companies`) read from the same stored records and feed: same cursors, `data` in the CrmContact / CrmCompany shape.",
    }),
  // The shapes contracts/change-cursor.ts issues (positions below 36^10, far past any feed's); one of another feed is a 409.
  cursor: z
    .string()
    .regex(/^c2\.[0-9a-z]{1,10}\.[0-9a-z]{12}$|^c1\.[0-9a-z]{1,10}$/, 'is not a cursor issued by this API')
    .optional()
    .meta({ description: 'A nextCursor or record cursor from an earlier page or webhook; the start of the feed when absent.' }),
  limit: queryLimit(1000, 100),
  filter: z
    .string()
    .max(64)
    .regex(/^(added|updated|deleted)(,(added|updated|deleted))*$/, 'must be a comma-separated list of added, updated, deleted')
    .optional(),
  modifiedAfter: z.iso.datetime({ offset: true }).optional(),
});

export const runsQuery = z.strictObject({
  model: modelName.optional(),
  before: z.iso.datetime({ offset: true }).optional().meta({ description: "The previous page's nextBefore." }),
  limit: queryLimit(100, 20),
});

// ---------------------------------------------------------------------------------------------------------------
// Responses. Plain (not strict) objects: encoding a response drops any field not listed here, so a field added to a
// store type never reaches clients unless it is added (and documented) here first.
// ---------------------------------------------------------------------------------------------------------------

const count = z.number().int().nonnegative();

export const integration = z
  .object({
    key: z.string(),
    provider: z.string(),
    clientId: z.string(),
    scopes: z.array(z.string()),
    authorizationUrl: z.string(),
    tokenUrl: z.string(),
    apiBaseUrl: z.string().nullable().meta({ description: "The API host for every connection; null when each connection's sign-in names its own." }),
    fields: z.record(z.string(), z.array(z.string())).meta({ description: "Fields read on top of each model's own, by model." }),
    connectionCount: count.meta({ description: 'Connections of this integration (as the connection directory counts them: a few seconds behind at most).' }),
    callbackUrl: z.string().meta({ description: "The OAuth redirect URI to register with the provider's app: `<TRIBUTARY_PUBLIC_URL>/oauth/callback`." }),
    createdAt: timestamp,
    updatedAt: timestamp,
  })
  .meta({ id: 'Integration', description: 'A provider app registered once to connect many customer accounts; without its client secret.' });

export const providerWebhook = z
  .object({
    url: z
      .string()
      .nullable()
      .meta({
        readOnly: true,
        description:
          "Where the provider sends change notifications. For unsigned ones it ends in the integration's random secret: treat it as a credential. null: an integration registered before URL secrets, until `rotateWebhookUrl` gives it one; and always for a `read` key, which sees no secret.",
      }),
    previousUrlValidUntil: timestamp.nullable().meta({ description: 'After a rotation: until when the previous URL is still accepted.' }),
    credentials: z
      .discriminatedUnion('kind', [
        z.object({
          kind: z.literal('http-basic'),
          username: z.string(),
          password: z.string().meta({ readOnly: true, description: "The integration's webhook secret: treat it as a credential." }),
          previousValidUntil: timestamp.nullable(),
        }),
        z.object({
          kind: z.literal('token'),
          token: z.string().meta({ readOnly: true, description: "The integration's webhook secret: treat it as a credential." }),
          previousValidUntil: timestamp.nullable(),
        }),
      ])
      .nullable()
      .meta({
        description:
          "For providers whose deliveries carry the integration's webhook secret: what to register at the provider with the URL (HTTP Basic credentials, or a token). `rotateWebhookUrl` makes new ones; the previous ones are accepted until `previousValidUntil`. null for other providers, and for such an integration without a secret yet (until `rotateWebhookUrl` gives it one).",
      }),
  })
  .meta({ id: 'ProviderWebhook', description: 'Where to point the provider\'s change notifications (see docs/provider-webhooks.md).' });

export const integrationDetail = integration
  .extend({
    providerWebhook: providerWebhook
      .nullable()
      .meta({ description: 'null when the provider sends no change notifications. Shown only here, never in the list of integrations.' }),
  })
  .meta({ id: 'IntegrationDetail', description: 'An integration as one reads it alone: with where its provider webhooks go.' });

export const integrationDeleted = z.object({ key: z.string(), deleted: z.literal(true) }).meta({ id: 'IntegrationDeleted' });

export const integrationList = z.object({ integrations: z.array(integration) }).meta({ id: 'IntegrationList' });

export const syncRun = z
  .object({
    runId: z.string(),
    model: z.string(),
    mode: syncMode,
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    durationMs: count.nullable(),
    pages: count,
    recordsRead: count,
    invalidRecords: count.meta({ description: "Records the provider returned that failed the model's schema; not stored." }),
    invalidSamples: z
      .array(z.object({ externalId: z.string().nullable(), problems: z.array(z.string()) }))
      .meta({ description: 'The first invalid records (up to 20): their id, if readable, and what is wrong with them.' }),
    providerRequests: count,
    rateLimitWaits: count.meta({ description: "Times the run waited for the provider's rate limit, on a timer that holds no worker." }),
    attempts: count.meta({ description: 'Sync slice attempts, retries included.' }),
    added: count.nullable().meta({ description: 'Records added; while the run is running, those stored so far.' }),
    updated: count.nullable().meta({ description: 'Records whose content changed; live while running.' }),
    deleted: count.nullable().meta({ description: 'Records deleted at the provider; live while running.' }),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    missingFields: z
      .array(z.string())
      .meta({ description: "Fields the sync wanted that the customer's account does not have or hides from the integration user: not read, not a failure." }),
    fullReason: z
      .string()
      .nullable()
      .meta({
        description:
          'Why a full run reads everything: `initial`, `requested`, or what the sync stores changed (`version 3 → 4`, `fields added: Tier__c`); null for an incremental run.',
      }),
  })
  .meta({ id: 'SyncRun' });

/** Run ids are `<connectionId>:<model>:<uuid>`; the pattern admits their characters only, so nothing else reaches a query. */
export const runParams = z.strictObject({ connectionId: identifier, runId: z.string().min(1).max(300).regex(/^[A-Za-z0-9_.:-]+$/, 'is not a run id') });

export const syncRunDetail = syncRun
  .extend({
    log: z
      .array(z.object({ at: timestamp, kind: z.string(), message: z.string() }))
      .meta({ description: "The run's activity log, oldest first and at most 100 entries: pages, retries and waits with their reasons, fields it could not read." }),
  })
  .meta({ id: 'SyncRunDetail' });

export const syncRunList = z
  .object({
    runs: z.array(syncRun),
    nextBefore: z.iso.datetime({ offset: true }).nullable().meta({ description: 'Pass as `before` for the next (older) page; null on the last page.' }),
  })
  .meta({ id: 'SyncRunList' });

export const credentialState = z.enum(['valid', 'expired', 'invalid']);

export const connectionHealth = z
  .object({
    state: z.enum(['ok', 'stuck', 'unknown']).meta({
      description: "`stuck`: the connection's workflow cannot make progress, whatever `status` says; `unknown`: Temporal could not be asked.",
    }),
    cause: z.enum(['workflow_task_failing', 'activity_failing', 'workflow_not_running']).nullable().meta({
      description: 'What is stuck: workflow tasks keep failing (a bad deploy), an activity keeps failing, or no workflow runs. See docs/operating.md.',
    }),
    reason: z.string().nullable().meta({ description: "In words, with the last failure's message." }),
    since: timestamp.nullable().meta({ description: 'When the problem began, as far as Temporal says.' }),
  })
  .meta({ id: 'ConnectionHealth', description: "Whether the connection's workflow makes progress, read from Temporal at request time." });

export const connection = z
  .object({
    connectionId: z.string(),
    integration: z.string(),
    provider: z.string(),
    accountId: z
      .string()
      .nullable()
      .meta({ description: "The provider's id of the connected account (an organization or portal id); null until a sign-in names it." }),
    status: connectionStatus,
    statusReason: z.string().nullable(),
    statusUntil: timestamp.nullable(),
    createdAt: timestamp,
    credentials: z.object({
      state: credentialState,
      expiresAt: timestamp.nullable(),
      refreshedAt: timestamp.nullable(),
      refreshCount: count,
      lastError: z.string().nullable(),
    }),
    paused: z.boolean(),
    metadata: z.record(z.string(), jsonValue).nullable(),
    fields: z
      .record(z.string(), z.array(z.string()))
      .meta({ description: "This connection's own extra fields, by model; each run reads these and its integration's `fields` together." }),
    connectInputs: z
      .record(z.string(), z.string())
      .meta({ description: 'What the customer gave before sign-in, by name (an environment URL); empty for providers that ask nothing.' }),
    syncs: z.record(
      z.string(),
      z.object({
        frequency: z.string(),
        paused: z.boolean(),
        nextRunAt: timestamp.nullable(),
        lastRun: syncRun.nullable(),
        recordCount: z
          .number()
          .int()
          .nonnegative()
          .optional()
          .meta({ description: 'Live records stored for the model now (one connection only: lists leave it out).' }),
      }),
    ),
    health: connectionHealth,
    workflowId: z.string().meta({ description: "The connection's workflow in Temporal." }),
    temporalUiUrl: z
      .string()
      .nullable()
      .meta({ description: 'That workflow in the Temporal UI (TRIBUTARY_TEMPORAL_UI_URL), the operators\' deep view; null when the setting is `off`.' }),
  })
  .meta({ id: 'Connection', description: "A customer account of an integration: its status, credential state and each model's schedule and last run." });

export const connectionList = z
  .object({
    connections: z.array(connection).meta({
      description:
        "Problems first (a stuck workflow, then auth_error, degraded, rate_limited, paused, active), then by id. In a list, `health` is the last health scan's finding, not asked of Temporal per row.",
    }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for the next page; null on the last page.' }),
  })
  .meta({ id: 'ConnectionList' });

const byStatus = z.object({ active: count, rate_limited: count, degraded: count, auth_error: count, paused: count });

export const overview = z
  .object({
    connections: z.object({ total: count, byStatus, byHealth: z.object({ ok: count, stuck: count, unknown: count }) }),
    problems: z
      .array(z.object({ connectionId: z.string(), integration: z.string(), status: connectionStatus, statusReason: z.string().nullable(), health: healthState }))
      .meta({ description: 'At most 20: stuck first, then auth_error, degraded, rate_limited.' }),
    runs: z.object({
      byHour: z.array(z.object({ hour: timestamp, succeeded: count, failed: count, running: count })).meta({ description: 'Oldest first; runs by the hour they ended (running: by the hour they began).' }),
    }),
    recordsChanged: z.object({ byHour: z.array(z.object({ hour: timestamp, added: count, updated: count, deleted: count })) }),
    failingDeliveries: z.object({
      count: count.meta({ description: 'Webhook events whose latest delivery attempt failed, attempted within the hours asked for.' }),
      recent: z.array(
        z.object({ eventId: z.string(), type: z.string(), connectionId: z.string(), attempt: count, status: z.number().int().nullable(), error: z.string().nullable(), attemptedAt: timestamp }),
      ),
    }),
  })
  .meta({ id: 'Overview', description: 'Connections by status and health, the problems, runs and records changed per hour, and failing webhooks.' });

export const eventLevel = z.enum(['debug', 'info', 'warn', 'error']);

/** Everything in an event came from Tributary, a provider or a customer: render it as text. */
const eventData = z.record(z.string(), z.unknown()).meta({ description: "The event's details by kind (a request's method, path, status, ms and retries; a page's counts; a wait's why, ms and until…); data, to render as text." });

export const runEvent = z
  .object({
    seq: z.number().int().nonnegative().meta({ description: 'Increases along the run: pass the last one seen as `after`.' }),
    at: timestamp,
    level: eventLevel,
    kind: z.string().meta({ description: '`mode`, `request`, `page`, `invalid`, `wait`, `refresh`, `error` or `finished`.' }),
    message: z.string(),
    data: eventData,
  })
  .meta({ id: 'RunEvent' });

export const runEvents = z
  .object({
    run: syncRun,
    events: z.array(runEvent).meta({ description: 'Oldest first.' }),
    nextAfter: z.number().int().nonnegative().meta({ description: 'Pass as `after` to get only what came since (poll every ~2 s while `run.status` is running).' }),
  })
  .meta({ id: 'RunEvents', description: "A run's timeline: mode, each request and page, waits, refreshes, errors, invalid records, its end." });

export const logEntry = z
  .object({
    seq: z.number().int().nonnegative(),
    at: timestamp,
    level: eventLevel,
    kind: z.string(),
    source: z.enum(['run', 'action', 'delivery', 'connection']),
    connectionId: z.string(),
    integration: z.string().nullable(),
    model: z.string().nullable(),
    runId: z.string().nullable(),
    actionId: z.string().nullable(),
    eventId: z.string().nullable(),
    message: z.string(),
    data: eventData,
  })
  .meta({ id: 'LogEvent' });

export const logPage = z
  .object({
    events: z.array(logEntry).meta({ description: 'Newest first.' }),
    nextCursor: z.string().nullable().meta({ description: 'Pass as `cursor` for older events; null when the window holds no more.' }),
  })
  .meta({ id: 'LogPage' });

export const recordHistory = z
  .object({
    record: z
      .object({
        id: z.string(),
        action: recordAction.meta({ description: 'Its last change.' }),
        data: z.record(z.string(), z.unknown()).meta({ description: "The provider's fields as last stored; data, to render as text." }),
        deletedAt: timestamp.nullable(),
        updatedAt: timestamp,
      })
      .nullable()
      .meta({ description: 'null when the id was never stored for this connection and model.' }),
    history: z
      .array(z.object({ action: recordAction, at: timestamp, runId: z.string().nullable() }))
      .meta({ description: 'Newest first; as far back as the log is kept (TRIBUTARY_LOG_RETENTION_DAYS), and always its last change.' }),
  })
  .meta({ id: 'RecordHistory' });

export const redeliveryAccepted = z
  .object({ eventId: z.string(), redelivering: z.literal(true) })
  .meta({ id: 'RedeliveryAccepted', description: 'The event is being sent again by a new delivery workflow; its attempts appear in the deliveries.' });

export const actionSummary = z
  .object({
    actionId: z.string(),
    name: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    startedAt: timestamp,
    finishedAt: timestamp.nullable(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    output: z.unknown(),
  })
  .meta({ id: 'ActionSummary' });

export const actionList = z.object({ actions: z.array(actionSummary).meta({ description: 'Newest first.' }) }).meta({ id: 'ActionList' });

export const syncAccepted = z
  .object({ accepted: z.literal(true), models: z.array(z.string()), mode: syncMode })
  .meta({ id: 'SyncAccepted', description: "The connection's workflow took the request; the runs follow." });

export const connectionDeleted = z
  .object({ connectionId: z.string(), deleted: z.literal(true) })
  .meta({ id: 'ConnectionDeleted', description: 'The workflow is ended and the records, changes feeds, runs and delivery history are removed.' });

export const webhookDelivery = z
  .object({
    eventId: z.string(),
    type: z.string(),
    connectionId: z.string(),
    attempt: z.number().int().positive(),
    status: z.number().int().nullable().meta({ description: "The receiver's HTTP status; null when it could not be reached." }),
    error: z.string().nullable(),
    attemptedAt: timestamp,
  })
  .meta({ id: 'WebhookDelivery' });

export const webhookDeliveryList = z.object({ deliveries: z.array(webhookDelivery) }).meta({ id: 'WebhookDeliveryList' });

export const changedRecord = z
  .object({
    id: z.string().meta({ description: "The provider's id of the record." }),
    action: recordAction,
    // The provider's fields as it sent them, or, for a unified model, its shape: the record matches any answer, so it
    // is first and keeps every field; the named shapes are there for the document and generated clients.
    data: z
      .union([z.record(z.string(), z.unknown()), crmContact, crmCompany])
      .meta({ description: 'The last known fields; a deleted record keeps them. A provider model has the provider\'s fields; crm.contacts a CrmContact, crm.companies a CrmCompany.' }),
    firstSeenAt: timestamp,
    lastModifiedAt: timestamp,
    deletedAt: timestamp.nullable(),
    cursor: z.string().meta({ description: 'Resume after this record.' }),
  })
  .meta({ id: 'ChangedRecord' });

export const recordsPage = z
  .object({
    records: z.array(changedRecord),
    nextCursor: z.string().meta({ description: 'Where the next page starts; keep it to resume later.' }),
    hasMore: z.boolean().meta({ description: 'False once everything visible now has been read.' }),
  })
  .meta({ id: 'RecordsPage', description: 'A page of the changes feed, in change order.' });

export const connectSession = z
  .object({
    token: z.string().meta({ readOnly: true, description: 'The connect token, returned only this once: Tributary keeps only its hash.' }),
    expiresAt: timestamp.meta({ description: 'The connect URL must be opened before then.' }),
    connectUrl: z.string().meta({ description: "Send the customer's browser here; it carries the token, so treat it as a secret." }),
  })
  .meta({ id: 'ConnectSession', description: 'Opening connectUrl starts one browser authorization of one connection.' });

export const keyScope = z.enum(['admin', 'read']).meta({ description: '`admin`: everything; `read`: every GET, never a secret, no change.' });

export const consoleSession = z
  .object({
    keyName: z.string().meta({ description: "The name of the key signed in with (TRIBUTARY_SECRET_KEYS' `name`), never the key." }),
    scope: keyScope,
    expiresAt: timestamp,
    csrfToken: z.string().meta({ readOnly: true, description: 'Send it as `X-CSRF-Token` with every POST, PATCH, PUT or DELETE made with the session cookie.' }),
  })
  .meta({ id: 'ConsoleSession', description: "The console's session: who signed in, what they may do, and the token its changes carry." });

export const htmlPage = z.string().meta({ description: 'A small page for the person in the browser.' });

export const health = z.object({ ok: z.literal(true) }).meta({ id: 'Health' });

export const readiness = z
  .object({ ok: z.boolean(), database: z.boolean(), temporal: z.boolean() })
  .meta({ id: 'Readiness', description: 'ok is true only when the database and Temporal both answer.' });

export const prometheusText = z.string();

export const openApiDocumentBody = z
  .looseObject({ openapi: z.string(), info: z.looseObject({ title: z.string(), version: z.string() }), paths: z.record(z.string(), z.unknown()) })
  .meta({ id: 'OpenApiDocument' });

// Listing every code as a key makes the compiler reject an AppErrorCode this schema does not know.
const ERROR_CODES: Record<AppErrorCode, true> = {
  validation_failed: true,
  unauthorized: true,
  forbidden: true,
  csrf_failed: true,
  not_found: true,
  method_not_allowed: true,
  conflict: true,
  unavailable: true,
  internal: true,
};

const fieldProblem = z.object({
  field: z.string().meta({ description: 'Where the problem is: "body.credentials.refreshToken", "query.limit", "params.connectionId".' }),
  message: z.string(),
});

export const errorBody = z
  .object({
    error: z.object({
      code: z.enum(Object.keys(ERROR_CODES) as [AppErrorCode, ...AppErrorCode[]]),
      message: z.string(),
      fields: z.array(fieldProblem).optional(),
      requiredScope: z.enum(['admin', 'read']).optional().meta({ description: 'With `forbidden`: the scope the route needs.' }),
    }),
  })
  .meta({ id: 'Error' });

export const validationErrorBody = z
  .object({
    error: z.object({ code: z.literal('validation_failed'), message: z.string(), fields: z.array(fieldProblem).min(1) }),
  })
  .meta({ id: 'ValidationError', description: 'Names each bad field.' });

export const actionParams = z.strictObject({
  connectionId: identifier,
  action: z.string().regex(/^[a-z][a-z0-9-]*$/).describe("The action's name: create-contact, update-contact, create-account, …"),
});

export const actionIdParams = z.strictObject({ connectionId: identifier, action: z.string().regex(/^act_[0-9a-f]{32}$/).describe('The action id a run answered with.') });

export const actionHeaders = z.object({
  'idempotency-key': z.string().min(1).max(255).describe('The same key never runs the action twice; a repeat answers with the first run.'),
});

export const actionInput = z
  .record(z.string(), z.unknown())
  .meta({ id: 'ActionInput', description: "The action's input; each action checks it against its own schema (400 names each bad field). Send an Idempotency-Key header." });

export const actionResult = z
  .object({
    actionId: z.string(),
    connectionId: z.string(),
    action: z.string(),
    status: z.enum(['running', 'succeeded', 'failed']),
    output: z.unknown(),
    error: z.object({ code: z.string(), message: z.string() }).nullable(),
    createdAt: z.iso.datetime({ offset: true }),
    finishedAt: z.iso.datetime({ offset: true }).nullable(),
  })
  .meta({ id: 'ActionResult', description: 'An action and, once finished, its output or error.' });

export const providerWebhookParams = z.strictObject({ integration: identifier });
export const providerWebhookSecretParams = z.strictObject({
  integration: identifier,
  webhookSecret: z.string().min(1).max(128).meta({ description: "The integration's URL secret, as `providerWebhook.url` shows it." }),
});
