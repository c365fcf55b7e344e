// The Pipedrive sandbox's knobs and their Pipedrive-like defaults, checked by one schema from code and HTTP alike.
import { z } from 'zod';
import { LISTENER_AND_APP_OPTIONS, portNumber, urlOrNone } from '../common/options';

export const PLANS = ['lite', 'growth', 'premium', 'ultimate'] as const;
export type Plan = (typeof PLANS)[number];

/** One customer company: its own `{domain}.pipedrive.com`, served here by a listener of its own on loopback. */
export interface CompanyOptions {
  /** The company's subdomain (`company_domain`), e.g. `acme`. */
  domain: string;
  /** Default 127.0.0.1; another loopback address (127.0.0.2, …) gives the company a host of its own on Linux. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  /** Sets the daily token budget (30,000 × plan multiplier × seats) and the OAuth burst limit. Default growth. */
  plan?: Plan;
  /** Default 5. */
  seats?: number;
}

export interface PipedriveSandboxOptions {
  /** Where oauth.pipedrive.com (authorize, token, revoke) and the /__sandbox control API listen. */
  port?: number;
  host?: string;
  /** Fixed once started: the companies and their listeners. Default one company, `sandbox-company`. */
  companies?: CompanyOptions[];
  clientId?: string;
  clientSecret?: string;
  /** Default 3,599,000 ms: the token answer's `expires_in` 3599. */
  accessTokenLifetimeMs?: number;
  /** Default 60 days: a refresh token unused this long is dead; every use starts the time again. */
  refreshTokenIdleMs?: number;
  /** Default false (unconfirmed upstream): true hands out a new refresh token on every refresh and kills the old one. */
  rotateRefreshTokens?: boolean;
  /** Default 0: a delay inside the token endpoint so overlapping refreshes are observable. */
  tokenLatencyMs?: number;
  /** Default false: authorize shows a consent page; true: it redirects with a code at once. */
  autoConsent?: boolean;
  /** Default null: the first company. The company whose admin user signs in at authorize from now on. */
  signInCompany?: string | null;
  /** The scopes set in the app's Marketplace settings; every grant gets exactly these (authorize takes none). */
  appScopes?: string[];
  /** PRNG seed for generated data. */
  seed?: number;
  /** Default null: from each company's plan and seats. A number overrides every company's daily token budget; 0 turns it off. */
  dailyTokenBudget?: number | null;
  /** Default null: the plan's OAuth-app limit (80/160/400/480). Requests per rolling 2 s per access token; 0 turns it off. */
  burstLimit?: number | null;
  /** Default 10: search requests per rolling 2 s per access token (all plans); 0 turns it off. */
  searchBurstLimit?: number;
  /** Default false (seen in third-party code, unconfirmed): also send `x-daily-ratelimit-token-limit/-remaining`. */
  dailyBudgetHeaders?: boolean;
  /** Default 0 (off): after this many 429s within a minute the company's host answers Cloudflare's HTML 403. */
  cloudflareBlockAfter429s?: number;
  /** Default 60: how long a Cloudflare block lasts. */
  cloudflareBlockSeconds?: number;
  /** Default 'not_found' (unconfirmed upstream): what `GET /api/v2/persons/{id}` answers for a deleted record. */
  deletedRecordRead?: 'not_found' | 'is_deleted';
  /** Default 'gone' (410, unconfirmed upstream; 'not_found' = 404): what the retired v1 list endpoints answer. */
  retiredV1Lists?: 'gone' | 'not_found';
  /** Default 201 (unconfirmed upstream; 200 also plausible): the status of a successful create. */
  createStatus?: 200 | 201;
  /** Default 3000: a created or changed record is found by search only this long after the change (search index lag). */
  searchIndexLagMs?: number;
  /** Default 30 days: deleted records are purged (gone even by id) this long after the delete. */
  deletedRetentionMs?: number;
  /** Default 1: multiplies webhook retry delays (3, 30, 150 s) and the 30-minute ban, so tests can run them in milliseconds. */
  webhookTimeScale?: number;
  /** Default 10,000: a delivery not answered within this counts as failed. */
  webhookTimeoutMs?: number;
  /** Default 40 webhooks per user (422 beyond). */
  webhookLimitPerUser?: number;
  /**
   * A misbehaving or hostile Pipedrive, for security tests: token answers name this `api_domain` instead of the
   * company's own URL ('' = its own).
   */
  reportedApiDomain?: string;
}

export type ResolvedOptions = Required<PipedriveSandboxOptions>;

export const DEFAULT_APP_SCOPES = ['base', 'contacts:full', 'search:read', 'admin', 'users:read'];

export const DEFAULT_OPTIONS: ResolvedOptions = {
  port: 0,
  host: '127.0.0.1',
  companies: [{ domain: 'sandbox-company' }],
  clientId: 'pipedrive-sandbox-client-id',
  clientSecret: 'pipedrive-sandbox-client-secret',
  accessTokenLifetimeMs: 3_599_000,
  refreshTokenIdleMs: 60 * 86_400_000,
  rotateRefreshTokens: false,
  tokenLatencyMs: 0,
  autoConsent: false,
  signInCompany: null,
  appScopes: DEFAULT_APP_SCOPES,
  seed: 1,
  dailyTokenBudget: null,
  burstLimit: null,
  searchBurstLimit: 10,
  dailyBudgetHeaders: false,
  cloudflareBlockAfter429s: 0,
  cloudflareBlockSeconds: 60,
  deletedRecordRead: 'not_found',
  retiredV1Lists: 'gone',
  createStatus: 201,
  searchIndexLagMs: 3000,
  deletedRetentionMs: 30 * 86_400_000,
  webhookTimeScale: 1,
  webhookTimeoutMs: 10_000,
  webhookLimitPerUser: 40,
  reportedApiDomain: '',
};

const count = z.number().int().nonnegative();
/** One DNS label, as `{company}.pipedrive.com` allows. */
const domainLabel = z.string().regex(/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/, 'must be one lowercase DNS label');
const loopbackHost = z.string().refine((host) => /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host) || host === '::1' || host === 'localhost', 'must be a loopback address');

const companySchema = z.strictObject({
  domain: domainLabel,
  host: loopbackHost.optional(),
  port: portNumber.optional(),
  plan: z.enum(PLANS).optional(),
  seats: z.number().int().positive().optional(),
});

export const optionsSchema = z.strictObject({
  ...LISTENER_AND_APP_OPTIONS,
  companies: z
    .array(companySchema)
    .min(1)
    .refine((companies) => new Set(companies.map((c) => c.domain)).size === companies.length, 'company domains must differ')
    .optional(),
  accessTokenLifetimeMs: z.number().int().positive().optional(),
  refreshTokenIdleMs: z.number().int().positive().optional(),
  rotateRefreshTokens: z.boolean().optional(),
  tokenLatencyMs: count.optional(),
  autoConsent: z.boolean().optional(),
  signInCompany: domainLabel.nullable().optional(),
  appScopes: z.array(z.string().min(1)).min(1).optional(),
  seed: z.number().int().optional(),
  dailyTokenBudget: count.nullable().optional(),
  burstLimit: count.nullable().optional(),
  searchBurstLimit: count.optional(),
  dailyBudgetHeaders: z.boolean().optional(),
  cloudflareBlockAfter429s: count.optional(),
  cloudflareBlockSeconds: z.number().positive().optional(),
  deletedRecordRead: z.enum(['not_found', 'is_deleted']).optional(),
  retiredV1Lists: z.enum(['gone', 'not_found']).optional(),
  createStatus: z.union([z.literal(200), z.literal(201)]).optional(),
  searchIndexLagMs: count.optional(),
  deletedRetentionMs: z.number().int().positive().optional(),
  webhookTimeScale: z.number().positive().max(1).optional(),
  webhookTimeoutMs: z.number().int().positive().optional(),
  webhookLimitPerUser: z.number().int().positive().optional(),
  reportedApiDomain: urlOrNone.optional(),
});

/** What may change while the sandbox runs: not where it or its companies listen. */
export const optionChangeSchema = optionsSchema.omit({ port: true, host: true, companies: true });
