// Everything a Zoho sandbox route needs, built once by the server and handed to each router.
import type { Delays } from '../common/delays';
import type { ApiLimits, LimitName } from './api-limits';
import type { DataCentre } from './data-centre';
import type { SandboxHttpError } from './errors';
import type { Faults } from './faults';
import type { NotificationChannels } from './notification-channels';
import type { ResolvedOptions } from './options';
import type { Org } from './org';
import type { PageTokens } from './page-tokens';
import type { SessionStore } from './sessions';
import type { StatsRecorder } from './stats';

export interface SandboxContext {
  /** Mutable: setOptions changes it in place and routes read it per request. */
  options: ResolvedOptions;
  dataCentres: DataCentre[];
  orgs: Org[];
  sessions: SessionStore;
  faults: Faults;
  stats: StatsRecorder;
  limits: ApiLimits;
  pageTokens: PageTokens;
  channels: NotificationChannels;
  delays: Delays;
  orgByName(name: string): Org | undefined;
  /** The refusal of a limit, worded as the options say (status, code, Retry-After). */
  throttled(limit: LimitName, org?: Org): SandboxHttpError;
}
