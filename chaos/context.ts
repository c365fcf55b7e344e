// What every scenario is given: the services it runs on (and may restart), a seeded PRNG, and where to log.
import type { MongoServer } from '../devstack/mongo-server';
import type { TemporalServer } from '../devstack/temporal-server';
import type { Random } from '../sandbox/common/random';

export interface ChaosServices {
  temporalAddress: string;
  mongoUri: string;
  /** Null when the Temporal is shared (jest's): scenarios that restart it cannot run. */
  temporal: TemporalServer | null;
  /** Null when the database is shared, or external: scenarios that stop it cannot run. */
  mongo: MongoServer | null;
}

export interface ChaosContext {
  services: ChaosServices;
  /** Every random choice (kill moments, failure modes, record changes) comes from here, so a seed replays a run. */
  rng: Random;
  logDir: string;
  log(line: string): void;
  /** Aborted when `npm run chaos` is interrupted (SIGINT, SIGTERM): from then on no scenario starts a process. */
  interrupted?: AbortSignal;
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
