// Where `npm run dev` runs its services and keeps its secrets: dev.ts starts them there, and tools that talk to a
// running dev stack (npm run dryrun) find them there with no setup.
import { join } from 'node:path';
import type { DevSecrets } from './dev-secrets';

const BASE_PORTS = { api: 3000, worker: 3001, sandbox: 4010, webhooks: 4020, temporal: 7233, temporalUi: 8233, mongo: 27027 };

/**
 * TRIBUTARY_DEV_PORT_OFFSET moves every port by that much, so a second stack (another checkout, a test of `npm run
 * dev` itself) runs beside the first; the tools that find the stack read the same variable.
 */
export const DEV_PORT_OFFSET = portOffset(process.env.TRIBUTARY_DEV_PORT_OFFSET);
export const DEV_PORTS = Object.fromEntries(Object.entries(BASE_PORTS).map(([name, port]) => [name, port + DEV_PORT_OFFSET])) as typeof BASE_PORTS;

function portOffset(setting: string | undefined): number {
  const offset = setting === undefined || setting === '' ? 0 : Number(setting);
  if (!Number.isInteger(offset) || offset < 0 || Math.max(...Object.values(BASE_PORTS)) + offset > 65535) {
    throw new Error(`TRIBUTARY_DEV_PORT_OFFSET must be a whole number from 0 that keeps every port below 65536 (got "${setting}")`);
  }
  return offset;
}

export const DEV_DATA_DIR = join(__dirname, '..', '.data');
export const DEV_SECRETS_FILE = join(DEV_DATA_DIR, 'dev-secrets.json');

/**
 * What a process needs to reach the dev stack's database and Temporal and open its credentials, as its worker gets
 * them when neither TEMPORAL_ADDRESS nor MONGODB_URI points elsewhere.
 */
export function devStackEnvironment(secrets: Pick<DevSecrets, 'TRIBUTARY_ENCRYPTION_KEYS'>): Record<string, string> {
  return {
    TEMPORAL_ADDRESS: `127.0.0.1:${DEV_PORTS.temporal}`,
    MONGODB_URI: `mongodb://127.0.0.1:${DEV_PORTS.mongo}/`,
    MONGODB_DB: 'tributary',
    TRIBUTARY_ENCRYPTION_KEYS: secrets.TRIBUTARY_ENCRYPTION_KEYS,
    // The development stack's providers are sandboxes on http://127.0.0.1.
    TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: 'true',
  };
}
