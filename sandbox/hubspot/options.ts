// The HubSpot sandbox's knobs and their HubSpot-like defaults, checked by one schema from code and HTTP alike.
import { z } from 'zod';
import { LISTENER_AND_APP_OPTIONS, urlOrNone } from '../common/options';

export interface HubSpotSandboxOptions {
  port?: number;
  host?: string;
  /** The registered public app. */
  clientId?: string;
  clientSecret?: string;
  /** Default 1800 s, as HubSpot's `expires_in`. */
  accessTokenLifetimeMs?: number;
  /** Default 0: a delay inside the token endpoint so overlapping refreshes are observable. */
  tokenLatencyMs?: number;
  /**
   * Requests per rolling 10 seconds per app and account (HubSpot: 110 for public OAuth apps); 0 turns the limit off.
   * Over it, data calls answer 429 `TEN_SECONDLY_ROLLING`.
   */
  tenSecondlyLimit?: number;
  /** Search requests per second per account (HubSpot: 5); 0 (the default) turns the limit off. Over it: 429 `SECONDLY`. */
  searchPerSecondLimit?: number;
  /**
   * Default 0. How far the search index trails writes, as HubSpot's does by a few seconds: a contact or company created
   * less than this long ago is not found by search yet, while reads, lists and the duplicate-email check see it at once.
   */
  searchIndexLagMs?: number;
  /** Default false: authorize shows a consent page; true: it redirects with a code at once. */
  autoConsent?: boolean;
  /** PRNG seed for generated data. */
  seed?: number;
  /**
   * Default null: the sandbox's own portal. The portal a user installs into from now on, so a test can authorise into a
   * different account (`hub_id` in token answers names it; the data stays this portal's).
   */
  signInPortalId?: number | null;
  /**
   * Where change notifications go (HubSpot webhook subscriptions / Salesforce Outbound Messages) for every change
   * made through the handle or the control routes; '' (the default) sends none.
   */
  webhookUrl?: string;
}

export type ResolvedOptions = Required<HubSpotSandboxOptions>;

export const DEFAULT_OPTIONS: ResolvedOptions = {
  port: 0,
  host: '127.0.0.1',
  clientId: 'hubspot-sandbox-client-id',
  clientSecret: 'hubspot-sandbox-client-secret',
  accessTokenLifetimeMs: 1800 * 1000,
  tokenLatencyMs: 0,
  tenSecondlyLimit: 110,
  searchPerSecondLimit: 0,
  searchIndexLagMs: 0,
  autoConsent: false,
  seed: 1,
  signInPortalId: null,
  webhookUrl: '',
};

const count = z.number().int().nonnegative();

export const optionsSchema = z.strictObject({
  ...LISTENER_AND_APP_OPTIONS,
  accessTokenLifetimeMs: z.number().int().positive().optional(),
  tokenLatencyMs: count.optional(),
  tenSecondlyLimit: count.optional(),
  searchPerSecondLimit: count.optional(),
  searchIndexLagMs: count.optional(),
  autoConsent: z.boolean().optional(),
  seed: z.number().int().optional(),
  signInPortalId: z.number().int().positive().nullable().optional(),
  webhookUrl: urlOrNone.optional(),
});
