// Everything a Dynamics sandbox route needs, built once by the server and handed to each router.
import type { Delays } from '../common/delays';
import type { Environment } from './environment';
import type { Faults } from './faults';
import type { ResolvedOptions } from './options';
import type { PagingCookies } from './paging-cookies';
import type { ServiceProtection } from './service-protection';
import type { SessionStore } from './sessions';
import type { StatsRecorder } from './stats';

export interface SandboxContext {
  /** Mutable: setOptions changes it in place and routes read it per request. */
  options: ResolvedOptions;
  environments: Environment[];
  sessions: SessionStore;
  faults: Faults;
  stats: StatsRecorder;
  serviceProtection: ServiceProtection;
  pagingCookies: PagingCookies;
  delays: Delays;
  /** The login host's URL (authorize, token), known once it listens. */
  loginUrl(): string;
  /** The environment whose URL (origin) is `origin`, for scopes naming it. */
  environmentByOrigin(origin: string): Environment | undefined;
}
