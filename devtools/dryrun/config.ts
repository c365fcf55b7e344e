// Where a dry run finds the database, Temporal and the encryption keys: the worker's own configuration, or else the
// stack `npm run dev` runs, so that against a dev stack it needs no setup at all.
import { existsSync } from 'node:fs';
import { loadOrCreateDevSecrets } from '../../devstack/dev-secrets';
import { DEV_SECRETS_FILE, devStackEnvironment } from '../../devstack/dev-stack-address';
import { parseWorkerConfig, type WorkerConfig } from '../../worker/config';

export interface DryRunConfig {
  /** The worker's settings: the same database, Temporal, task queue, keys, URL policy and provider limits. */
  worker: WorkerConfig;
  /** The API's TRIBUTARY_WORKFLOW_ID_PREFIX: how the connection's workflow is named, to ask it for new credentials. */
  workflowIdPrefix: string;
  /** Said in errors: where the settings came from. */
  source: string;
}

export function dryRunConfig(env: NodeJS.ProcessEnv = process.env, devSecretsFile = DEV_SECRETS_FILE): DryRunConfig {
  // Only when nothing points elsewhere: a dry run must never read one database with another deployment's keys.
  const useDevStack = !env.MONGODB_URI && existsSync(devSecretsFile);
  const dev = useDevStack ? devStackEnvironment(loadOrCreateDevSecrets(devSecretsFile).secrets) : {};
  const merged = { ...dev, ...env };
  const workflowIdPrefix = merged.TRIBUTARY_WORKFLOW_ID_PREFIX ?? '';
  if (!/^[A-Za-z0-9._:/-]*$/.test(workflowIdPrefix)) {
    throw new Error('Invalid configuration:\n  TRIBUTARY_WORKFLOW_ID_PREFIX: may hold letters, digits and . _ : / - only');
  }
  return { worker: parseWorkerConfig(merged), workflowIdPrefix, source: useDevStack ? `the npm run dev stack (${devSecretsFile})` : 'the environment' };
}
