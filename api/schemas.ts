// The request schemas of the HTTP API: strict zod objects, the one source of truth for validation.
import { z } from 'zod';
import { parseDuration } from '../sync/duration';

export const identifier = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/, 'must be 1-128 letters, digits, "_", "-" or ".", starting with a letter or digit');

const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });

export const createIntegrationBody = z.strictObject({
  key: identifier,
  provider: z.string().min(1),
  clientId: z.string().min(1).max(512),
  clientSecret: z.string().min(1).max(512),
  scopes: z.array(z.string().regex(/^[\w.:/-]+$/, 'must be a scope name')).max(50).optional(),
  authorizationUrl: httpUrl.optional(),
  tokenUrl: httpUrl.optional(),
});

const frequency = z
  .string()
  .refine((value) => (parseDuration(value) ?? 0) >= 1000, 'must be a duration of at least 1s, like "30s", "5m", "1h" or "1d"');

export const createConnectionBody = z.strictObject({
  connectionId: identifier,
  integration: identifier,
  credentials: z.strictObject({
    refreshToken: z.string().min(1).max(4096),
    accessToken: z.string().min(1).max(4096).optional(),
    instanceUrl: httpUrl.optional(),
  }),
  syncs: z.record(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a model name'), z.strictObject({ frequency })).optional(),
});

export const connectionIdParams = z.strictObject({ connectionId: identifier });

export const listConnectionsQuery = z.strictObject({
  integration: identifier.optional(),
  status: z.enum(['active', 'auth_error', 'rate_limited']).optional(),
  limit: z.coerce.number().int().min(1).max(500).default(100),
});

export const syncRequestBody = z.strictObject({
  models: z.array(z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a model name')).min(1).optional(),
  mode: z.enum(['incremental', 'full']).default('incremental'),
});

export const recordsQuery = z.strictObject({
  connectionId: identifier,
  model: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a model name'),
  cursor: z.string().max(64).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  filter: z
    .string()
    .regex(/^(added|updated|deleted)(,(added|updated|deleted))*$/, 'must be a comma-separated list of added, updated, deleted')
    .optional(),
  modifiedAfter: z.iso.datetime({ offset: true }).optional(),
});

export const runsQuery = z.strictObject({
  model: z.string().regex(/^[a-z][a-z0-9_]*$/, 'must be a model name').optional(),
  before: z.iso.datetime({ offset: true }).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
