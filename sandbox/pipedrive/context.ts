// Everything a Pipedrive sandbox route needs, built once by the server and handed to each router.
import type { Delays } from '../common/delays';
import type { SandboxClock } from '../common/clock';
import type { Company } from './company';
import type { Faults } from './faults';
import type { ResolvedOptions } from './options';
import type { CompanyLimits, RateLimits } from './rate-limits';
import type { SessionStore } from './sessions';
import type { StatsRecorder } from './stats';
import type { WebhookRegistry } from './webhook-registry';
import type { WebhookSender } from './webhook-sender';

/** A company and the host that serves it (`{domain}.pipedrive.com`: here a loopback listener of its own). */
export interface CompanyHost {
  company: Company;
  limits: CompanyLimits;
  /** The company's API base URL, no trailing slash: what token answers call `api_domain`. */
  url(): string;
}

export interface SandboxContext {
  /** Mutable: setOptions changes it in place and routes read it per request. */
  options: ResolvedOptions;
  clock: SandboxClock;
  /** By domain, in the order the options named them. */
  companies: Map<string, CompanyHost>;
  sessions: SessionStore;
  faults: Faults;
  stats: StatsRecorder;
  rateLimits: RateLimits;
  webhooks: WebhookRegistry;
  webhookSender: WebhookSender;
  delays: Delays;
  /** The OAuth host's URL (oauth.pipedrive.com here). */
  oauthUrl(): string;
}

/** The company a user signs into at authorize: `signInCompany`, else the first one. */
export function signInCompany(context: SandboxContext): CompanyHost {
  const chosen = context.options.signInCompany;
  const host = chosen ? context.companies.get(chosen) : undefined;
  return host ?? [...context.companies.values()][0];
}
