// The Dynamics sandbox's knobs and their Dataverse-like defaults, checked by one schema from code and HTTP alike.
// Behaviour no primary source confirms is an option here, so tests can cover each way it might go.
import { z } from 'zod';
import { LISTENER_AND_APP_OPTIONS, portNumber, urlOrNone } from '../common/options';
import type { EntitySet } from './tables';

export interface DynamicsEnvironmentOptions {
  /** The org's unique name, as in `https://<name>.crm.dynamics.com`; the environment's data is seeded from it. */
  name: string;
  /** Where its listener binds (default: the sandbox's host, a port of its own). */
  host?: string;
  port?: number;
  /** Tables with change tracking on (default: both); a table without it answers as the unconfirmed options say. */
  changeTracking?: Partial<Record<EntitySet, boolean>>;
}

export interface DynamicsSandboxOptions {
  /** Where the login host (authorize, token, control API) listens. */
  port?: number;
  host?: string;
  /** The app registration. */
  clientId?: string;
  clientSecret?: string;
  /** Default two environments, `contoso` and `fabrikam`, each on its own loopback listener. */
  environments?: DynamicsEnvironmentOptions[];
  /** Default 3599 s (Entra issues 60–90 min; tests shorten it to expire tokens mid-run). */
  accessTokenLifetimeMs?: number;
  /** Default 90 days: a refresh token unused that long answers invalid_grant AADSTS700082. */
  refreshTokenLifetimeMs?: number;
  /** Default 0: a delay inside the token endpoint so overlapping refreshes are observable. */
  tokenLatencyMs?: number;
  /** Default false: authorize shows a consent page; true: it redirects with a code at once. */
  autoConsent?: boolean;
  /** PRNG seed for identities and generated data. */
  seed?: number;
  /** Service protection per user and environment: requests per sliding window (6000 / 300 s); 0 turns it off. */
  requestsPerWindow?: number;
  requestWindowMs?: number;
  /** Concurrent requests per user and environment (52); 0 turns the limit off. */
  concurrentRequests?: number;
  /** How long a delta token stays usable (the org's ExpireChangeTrackingInDays; the docs' default is 7 days). */
  deltaTokenLifetimeMs?: number;
  /** Unconfirmed: the HTTP status of the expired-delta-token error (its code 0x80044352 and text are known). */
  expiredDeltaTokenStatus?: 400 | 410 | 500;
  /**
   * Unconfirmed: what `Prefer: odata.track-changes` does on a table without change tracking. 'ignored' (default):
   * a plain answer, no delta link and no `Preference-Applied` for it; 'error': a 400.
   */
  untrackedTablePreference?: 'ignored' | 'error';
  /** The status of a duplicate-detection refusal: 500 in one MS page, 412 in another (unconfirmed); default 500. */
  duplicateDetectionStatus?: 412 | 500;
  /** Default false: the integration user has no field security profile, so secured columns read as null. */
  secureColumnsReadable?: boolean;
  /** Where webhook notifications (RemoteExecutionContext) go for every change; '' (the default) sends none. */
  webhookUrl?: string;
  /** The shared key the service endpoint sends with each notification (HttpHeader auth), e.g. `{ 'x-api-key': '…' }`. */
  webhookHeaders?: Record<string, string>;
}

export type ResolvedOptions = Required<DynamicsSandboxOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  port: 0,
  host: '127.0.0.1',
  clientId: '6f0a9c1e-8d2b-4e57-9a31-2c4d5e6f7a80',
  clientSecret: 'dynamics-sandbox-client-secret',
  environments: [{ name: 'contoso' }, { name: 'fabrikam' }],
  accessTokenLifetimeMs: 3599 * 1000,
  refreshTokenLifetimeMs: 90 * 86_400_000,
  tokenLatencyMs: 0,
  autoConsent: false,
  seed: 1,
  requestsPerWindow: 6000,
  requestWindowMs: 300_000,
  concurrentRequests: 52,
  deltaTokenLifetimeMs: 7 * 86_400_000,
  expiredDeltaTokenStatus: 400,
  untrackedTablePreference: 'ignored',
  duplicateDetectionStatus: 500,
  secureColumnsReadable: false,
  webhookUrl: '',
  webhookHeaders: {},
};

const count = z.number().int().nonnegative();
const trackingFlags = z.strictObject({ contacts: z.boolean().optional(), accounts: z.boolean().optional() });

export const optionsSchema = z.strictObject({
  ...LISTENER_AND_APP_OPTIONS,
  environments: z
    .array(z.strictObject({ name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'), host: z.string().min(1).optional(), port: portNumber.optional(), changeTracking: trackingFlags.optional() }))
    .min(1)
    .refine((list) => new Set(list.map((e) => e.name)).size === list.length, 'environment names must be unique')
    .optional(),
  accessTokenLifetimeMs: z.number().int().positive().optional(),
  refreshTokenLifetimeMs: z.number().int().positive().optional(),
  tokenLatencyMs: count.optional(),
  autoConsent: z.boolean().optional(),
  seed: z.number().int().optional(),
  requestsPerWindow: count.optional(),
  requestWindowMs: z.number().int().positive().optional(),
  concurrentRequests: count.optional(),
  deltaTokenLifetimeMs: z.number().int().positive().optional(),
  expiredDeltaTokenStatus: z.union([z.literal(400), z.literal(410), z.literal(500)]).optional(),
  untrackedTablePreference: z.enum(['ignored', 'error']).optional(),
  duplicateDetectionStatus: z.union([z.literal(412), z.literal(500)]).optional(),
  secureColumnsReadable: z.boolean().optional(),
  webhookUrl: urlOrNone.optional(),
  webhookHeaders: z.record(z.string().min(1), z.string()).optional(),
});

/** What a running sandbox may change: not where it listens, nor which environments it has. */
export const optionChangeSchema = optionsSchema.omit({ port: true, host: true, environments: true });
