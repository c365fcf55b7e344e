// Where `npm run dev` runs its services and keeps its secrets: dev.ts starts them there, and tools that talk to a
// running dev stack (npm run dryrun) find them there with no setup.
import { join } from 'node:path';
import type { DevSecrets } from './dev-secrets';

export const DEV_PORTS = { api: 3000, worker: 3001, sandbox: 4010, webhooks: 4020, temporal: 7233, temporalUi: 8233, mongo: 27027 };

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
