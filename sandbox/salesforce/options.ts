// The sandbox's knobs and their Salesforce-like defaults; one schema checks them from code, HTTP and the CLI alike.
import { z } from 'zod';
import { LISTENER_AND_APP_OPTIONS, urlOrNone } from '../common/options';

export interface SalesforceSandboxOptions {
  port?: number;
  host?: string;
  /** The registered connected app. */
  clientId?: string;
  clientSecret?: string;
  /** Default 2 h; access tokens die after this. */
  sessionLifetimeMs?: number;
  /** Default 0: a delay inside the token endpoint so overlapping refreshes are observable. */
  tokenLatencyMs?: number;
  /** Default 15 min; an expired locator answers 400 INVALID_QUERY_LOCATOR. */
  queryLocatorTtlMs?: number;
  rotateRefreshTokens?: boolean;
  /** Default 100000; counted per org per UTC day over /services/data calls. */
  dailyApiLimit?: number;
  /** Default false: authorize shows a consent page; true: it redirects with a code at once. */
  autoConsent?: boolean;
  /** PRNG seed for generated data. */
  seed?: number;
  /**
   * Default null: the sandbox's own org. The org id a user signs into at the authorize page from now on, so a test
   * can authorise into a different org (the token answers' identity URL names it; the data stays this org's).
   */
  signInOrgId?: string | null;
  /**
   * A misbehaving or hostile org, for security tests: token answers name this `instance_url` instead of the
   * sandbox's own URL ('' = its own), and query pages hand out absolute `nextRecordsUrl`s on this origin ('' = the
   * usual relative path). Real Salesforce names its own hosts and relative next URLs.
   */
  reportedInstanceUrl?: string;
  nextRecordsOrigin?: string;
  /**
   * Field-level security for the integration user, by object: e.g. `{ Contact: ['Birthdate'] }`. Describe leaves these
   * fields out and SOQL naming one answers 400 INVALID_FIELD, exactly as for a field that does not exist.
   */
  hiddenFields?: Record<string, string[]>;
  /**
   * Where change notifications go (HubSpot webhook subscriptions / Salesforce Outbound Messages) for every change
   * made through the handle or the control routes; '' (the default) sends none.
   */
  webhookUrl?: string;
}

export type ResolvedOptions = Required<SalesforceSandboxOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  port: 0,
  host: '127.0.0.1',
  clientId: 'sandbox-client-id',
  clientSecret: 'sandbox-client-secret',
  sessionLifetimeMs: 2 * 60 * 60 * 1000,
  tokenLatencyMs: 0,
  queryLocatorTtlMs: 15 * 60 * 1000,
  rotateRefreshTokens: false,
  dailyApiLimit: 100_000,
  autoConsent: false,
  seed: 1,
  signInOrgId: null,
  reportedInstanceUrl: '',
  nextRecordsOrigin: '',
  hiddenFields: {},
  webhookUrl: '',
};

const milliseconds = z.number().int().nonnegative();

export const optionsSchema = z.strictObject({
  ...LISTENER_AND_APP_OPTIONS,
  sessionLifetimeMs: z.number().int().positive().optional(),
  tokenLatencyMs: milliseconds.optional(),
  queryLocatorTtlMs: z.number().int().positive().optional(),
  rotateRefreshTokens: z.boolean().optional(),
  dailyApiLimit: z.number().int().nonnegative().optional(),
  autoConsent: z.boolean().optional(),
  seed: z.number().int().optional(),
  signInOrgId: z.string().regex(/^00D[A-Za-z0-9]{12}([A-Za-z0-9]{3})?$/, 'must be a Salesforce org id (00D…)').nullable().optional(),
  reportedInstanceUrl: urlOrNone.optional(),
  nextRecordsOrigin: urlOrNone.optional(),
  hiddenFields: z.partialRecord(z.enum(['Contact', 'Account', 'Opportunity']), z.array(z.string().min(1))).optional(),
  webhookUrl: urlOrNone.optional(),
});
