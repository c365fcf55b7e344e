// Everything a HubSpot sandbox route needs, built once by the server and handed to each router.
import type { Delays } from '../common/delays';
import type { Faults } from './faults';
import type { ResolvedOptions } from './options';
import type { Portal } from './portal';
import type { RateLimits } from './rate-limits';
import type { SessionStore } from './sessions';
import type { StatsRecorder } from './stats';

export interface SandboxContext {
  /** Mutable: setOptions changes it in place and routes read it per request. */
  options: ResolvedOptions;
  portal: Portal;
  sessions: SessionStore;
  faults: Faults;
  stats: StatsRecorder;
  rateLimits: RateLimits;
  delays: Delays;
  url(): string;
}
