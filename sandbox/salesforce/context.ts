// Everything a route needs from one sandbox instance, built once by the server and handed to each router.
import type { Delays } from '../common/delays';
import type { ApiUsage } from './api-usage';
import type { Faults } from './faults';
import type { ResolvedOptions } from './options';
import type { Org } from './org';
import type { QueryLocators } from './query-locators';
import type { SessionStore } from './sessions';
import type { StatsRecorder } from './stats';

export interface SandboxContext {
  /** Mutable: setOptions changes it in place and routes read it per request. */
  options: ResolvedOptions;
  org: Org;
  sessions: SessionStore;
  locators: QueryLocators;
  faults: Faults;
  stats: StatsRecorder;
  usage: ApiUsage;
  delays: Delays;
  /** The base URL, known only once the server listens. */
  url(): string;
  /** `{url}/id/{orgId}/{userId}`, the identity URL every token response names. */
  identityUrl(): string;
}
