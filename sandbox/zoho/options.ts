// The Zoho sandbox's knobs and their Zoho-like defaults, checked by one schema from code and HTTP alike.
// Behaviour no primary source confirms is an option here, so tests can cover each way it might go.
import { z } from 'zod';
import { portNumber } from '../common/options';
import type { ModuleName } from './modules';

export interface ZohoDataCentreOptions {
  /** The `location` the redirect names (`us`, `eu`, `in`, `au`, `jp`, `ca`, `sa`, `uk`, `cn`, …). */
  location: string;
  /** Where its two listeners bind (default: the sandbox's host, ports of their own). */
  host?: string;
  accountsPort?: number;
  apiPort?: number;
}

export interface ZohoOrgOptions {
  /** The org's sandbox name (its domain name); its data are seeded from it. */
  name: string;
  /** The data centre the org and its one user live in. */
  location: string;
  /** The org's fixed offset from UTC in minutes: every timestamp it answers carries it (default: by location). */
  utcOffsetMinutes?: number;
  /** What `/org` reports as `time_zone` (display only; the offset above is what timestamps use). */
  timeZone?: string;
}

export type ModuleFieldLists = Partial<Record<ModuleName, string[]>>;

export interface ZohoSandboxOptions {
  host?: string;
  /** One OAuth app (multi-DC enabled): the same client id and secret work at every accounts server. */
  clientId?: string;
  clientSecret?: string;
  /** Default US and EU, each an accounts server and an API domain on loopback listeners of their own. */
  dataCentres?: ZohoDataCentreOptions[];
  /** Default one org per default data centre: `zylker` (us) and `nordlicht` (eu). */
  orgs?: ZohoOrgOptions[];
  /** Whose account signs in at authorize (an org name; default the first org); `sandbox_account` overrides it per request. */
  signInAs?: string;
  /** Default false: authorize shows a consent page; true: it redirects with a code at once. */
  autoConsent?: boolean;
  /** Default 3600 s. */
  accessTokenLifetimeMs?: number;
  /** How long a grant code stays good (2 min per Zoho Accounts). */
  codeLifetimeMs?: number;
  /** Default 0: a delay inside the token endpoint so overlapping refreshes are observable. */
  tokenLatencyMs?: number;
  /** Refresh tokens one user may hold per client (20): the next one deletes the oldest and its access tokens. */
  maxRefreshTokensPerUser?: number;
  /** Live access tokens per refresh token (15 per the CRM docs, 10 or 30 in other Zoho pages): the next kills the oldest. */
  maxAccessTokensPerRefreshToken?: number;
  /** Access tokens one refresh token may mint per window (10 per 10 min): more answer "Access Denied". */
  maxTokenMintsPerWindow?: number;
  tokenMintWindowMs?: number;
  /** Unconfirmed: the HTTP status of the "Access Denied" token answer (the REF lists it among the 200s). */
  accessDeniedStatus?: 200 | 400;
  /** Unconfirmed: whether `Authorization: Bearer <token>` works as well as `Zoho-oauthtoken <token>` (default false). */
  acceptBearer?: boolean;
  /** PRNG seed for identities and generated data. */
  seed?: number;
  /** Unconfirmed: how long a `page_token` stays good (default 24 h; each answer states `page_token_expiry`). */
  pageTokenLifetimeMs?: number;
  /** Unconfirmed: whether `If-Modified-Since` also returns records modified in that very second (default false: after only). */
  ifModifiedSinceInclusive?: boolean;
  /** API credits per org in a rolling window (Enterprise-like 50,000 per 24 h); 0 turns the limit off. */
  dailyCredits?: number;
  creditWindowMs?: number;
  /** Concurrent calls per org (Free 5 … Enterprise 20, Ultimate 25); 0 turns it off. */
  concurrency?: number;
  /** Concurrent heavy calls per org (writes of more than 10 records): 10; 0 turns it off. */
  heavyConcurrency?: number;
  /** Unconfirmed: the status, code and Retry-After (seconds; 0 sends none) of a limit refusal. */
  throttleStatus?: 429 | 400 | 403;
  throttleCode?: 'TOO_MANY_REQUESTS' | 'RATE_LIMIT_EXCEEDED' | 'LIMIT_REACHED';
  throttleRetryAfterSeconds?: number;
  /** Fields marked "Do not allow duplicate values": inserts and updates repeating a value answer DUPLICATE_DATA. */
  uniqueFields?: ModuleFieldLists;
  /** Fields the integration user's profile (Standard) may not see: `permission_type: hidden` in field metadata. */
  hiddenFields?: ModuleFieldLists;
  /** Unconfirmed: a hidden field asked for in `fields` is left out of the records (default) or answered as null. */
  hiddenFieldAnswer?: 'omitted' | 'null';
  /** A field name the module does not have in a write: INVALID_DATA (default, as ZOAS's example) or ignored. */
  unknownFieldsOnWrite?: 'error' | 'ignored';
  /** Default 0: how long a write takes to reach the search index (searches meanwhile see the record as it was). */
  searchIndexLagMs?: number;
  /** Notification callbacks carry at most this many record ids (consecutive changes of one kind share a callback). */
  notificationBatchSize?: number;
}

export type ResolvedOptions = Required<ZohoSandboxOptions>;

export interface OrgLocale {
  minutes: number;
  timeZone: string;
  country: string;
}

/** Offsets (fixed, so timestamps are deterministic and never UTC) and countries for orgs by data centre. */
const DEFAULT_LOCALES: Record<string, OrgLocale> = {
  us: { minutes: -7 * 60, timeZone: 'America/Los_Angeles', country: 'US' },
  eu: { minutes: 2 * 60, timeZone: 'Europe/Berlin', country: 'DE' },
  in: { minutes: 5 * 60 + 30, timeZone: 'Asia/Kolkata', country: 'IN' },
  au: { minutes: 10 * 60, timeZone: 'Australia/Sydney', country: 'AU' },
  jp: { minutes: 9 * 60, timeZone: 'Asia/Tokyo', country: 'JP' },
  cn: { minutes: 8 * 60, timeZone: 'Asia/Shanghai', country: 'CN' },
  ca: { minutes: -4 * 60, timeZone: 'America/Toronto', country: 'CA' },
  sa: { minutes: 3 * 60, timeZone: 'Asia/Riyadh', country: 'SA' },
  uk: { minutes: 60, timeZone: 'Europe/London', country: 'GB' },
};

export function defaultLocale(location: string): OrgLocale {
  return DEFAULT_LOCALES[location] ?? { minutes: 0, timeZone: 'UTC', country: 'US' };
}

export const DEFAULT_OPTIONS: ResolvedOptions = {
  host: '127.0.0.1',
  clientId: '1000.SANDBOXZOHOCLIENT0000000000000',
  clientSecret: 'zoho-sandbox-client-secret',
  dataCentres: [{ location: 'us' }, { location: 'eu' }],
  orgs: [
    { name: 'zylker', location: 'us' },
    { name: 'nordlicht', location: 'eu' },
  ],
  signInAs: '',
  autoConsent: false,
  accessTokenLifetimeMs: 3_600_000,
  codeLifetimeMs: 120_000,
  tokenLatencyMs: 0,
  maxRefreshTokensPerUser: 20,
  maxAccessTokensPerRefreshToken: 15,
  maxTokenMintsPerWindow: 10,
  tokenMintWindowMs: 600_000,
  accessDeniedStatus: 200,
  acceptBearer: false,
  seed: 1,
  pageTokenLifetimeMs: 86_400_000,
  ifModifiedSinceInclusive: false,
  dailyCredits: 50_000,
  creditWindowMs: 86_400_000,
  concurrency: 20,
  heavyConcurrency: 10,
  throttleStatus: 429,
  throttleCode: 'TOO_MANY_REQUESTS',
  throttleRetryAfterSeconds: 0,
  uniqueFields: { Contacts: ['Email'], Accounts: [] },
  hiddenFields: { Contacts: ['National_ID'], Accounts: [] },
  hiddenFieldAnswer: 'omitted',
  unknownFieldsOnWrite: 'error',
  searchIndexLagMs: 0,
  notificationBatchSize: 100,
};

const count = z.number().int().nonnegative();
const fieldLists = z.strictObject({ Contacts: z.array(z.string().min(1)).optional(), Accounts: z.array(z.string().min(1)).optional() });

export const optionsSchema = z.strictObject({
  host: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
  dataCentres: z
    .array(z.strictObject({ location: z.string().regex(/^[a-z]{2,3}$/, 'two or three lower-case letters'), host: z.string().min(1).optional(), accountsPort: portNumber.optional(), apiPort: portNumber.optional() }))
    .min(1)
    .refine((list) => new Set(list.map((dc) => dc.location)).size === list.length, 'data centre locations must be unique')
    .optional(),
  orgs: z
    .array(
      z.strictObject({
        name: z.string().regex(/^[a-z][a-z0-9-]{0,62}$/, 'lower-case letters, digits and dashes'),
        location: z.string().min(1),
        utcOffsetMinutes: z.number().int().min(-12 * 60).max(14 * 60).optional(),
        timeZone: z.string().min(1).optional(),
      }),
    )
    .min(1)
    .refine((list) => new Set(list.map((org) => org.name)).size === list.length, 'org names must be unique')
    .optional(),
  signInAs: z.string().optional(),
  autoConsent: z.boolean().optional(),
  accessTokenLifetimeMs: z.number().int().positive().optional(),
  codeLifetimeMs: z.number().int().positive().optional(),
  tokenLatencyMs: count.optional(),
  maxRefreshTokensPerUser: z.number().int().positive().optional(),
  maxAccessTokensPerRefreshToken: z.number().int().positive().optional(),
  maxTokenMintsPerWindow: z.number().int().positive().optional(),
  tokenMintWindowMs: z.number().int().positive().optional(),
  accessDeniedStatus: z.union([z.literal(200), z.literal(400)]).optional(),
  acceptBearer: z.boolean().optional(),
  seed: z.number().int().optional(),
  pageTokenLifetimeMs: z.number().int().positive().optional(),
  ifModifiedSinceInclusive: z.boolean().optional(),
  dailyCredits: count.optional(),
  creditWindowMs: z.number().int().positive().optional(),
  concurrency: count.optional(),
  heavyConcurrency: count.optional(),
  throttleStatus: z.union([z.literal(429), z.literal(400), z.literal(403)]).optional(),
  throttleCode: z.enum(['TOO_MANY_REQUESTS', 'RATE_LIMIT_EXCEEDED', 'LIMIT_REACHED']).optional(),
  throttleRetryAfterSeconds: count.optional(),
  uniqueFields: fieldLists.optional(),
  hiddenFields: fieldLists.optional(),
  hiddenFieldAnswer: z.enum(['omitted', 'null']).optional(),
  unknownFieldsOnWrite: z.enum(['error', 'ignored']).optional(),
  searchIndexLagMs: count.optional(),
  notificationBatchSize: z.number().int().positive().max(1000).optional(),
});

/** What a running sandbox may change: not where it listens, nor which data centres and orgs it has. */
export const optionChangeSchema = optionsSchema.omit({ host: true, dataCentres: true, orgs: true });
