// The dev stack's secrets: random on first run, stored owner-only in .data/ (git-ignored), reused afterwards.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseApiConfig } from '../api/config';
import { parseWorkerConfig } from '../worker/config';

export interface DevSecrets {
  TRIBUTARY_SECRET_KEY: string;
  TRIBUTARY_ENCRYPTION_KEYS: string;
  TRIBUTARY_WEBHOOK_SECRET: string;
}

export interface LoadedDevSecrets {
  secrets: DevSecrets;
  /** True when this call generated the file. */
  created: boolean;
}

const OWNER_ONLY = 0o600;

export function loadOrCreateDevSecrets(path: string): LoadedDevSecrets {
  mkdirSync(dirname(path), { recursive: true });
  const generated = generateDevSecrets();
  try {
    // 'wx': never overwrite, so two dev stacks starting at once cannot end up with different keys.
    writeFileSync(path, `${JSON.stringify(generated, null, 2)}\n`, { mode: OWNER_ONLY, flag: 'wx' });
    return { secrets: generated, created: true };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  // The file may have been copied or restored with looser permissions; it holds keys, so keep it owner-only.
  if ((statSync(path).mode & 0o777) !== OWNER_ONLY) chmodSync(path, OWNER_ONLY);
  return { secrets: readDevSecrets(path), created: false };
}

function generateDevSecrets(): DevSecrets {
  return {
    TRIBUTARY_SECRET_KEY: randomBytes(24).toString('hex'),
    TRIBUTARY_ENCRYPTION_KEYS: `k1:${randomBytes(32).toString('base64')}`,
    TRIBUTARY_WEBHOOK_SECRET: randomBytes(16).toString('hex'),
  };
}

function readDevSecrets(path: string): DevSecrets {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`${path} is not valid JSON (${(error as Error).message}); ${recoveryHint(path)}`);
  }
  const record = (parsed ?? {}) as Record<string, unknown>;
  const secrets = {} as DevSecrets;
  for (const name of ['TRIBUTARY_SECRET_KEY', 'TRIBUTARY_ENCRYPTION_KEYS', 'TRIBUTARY_WEBHOOK_SECRET'] as const) {
    const value = record[name];
    if (typeof value !== 'string') throw new Error(`${path} has no ${name}; ${recoveryHint(path)}`);
    secrets[name] = value;
  }
  // Judge the file by the same rules the API and worker apply, so a bad edit fails here, before anything starts.
  const placeholderDatabase = { MONGODB_URI: 'mongodb://127.0.0.1/' };
  try {
    parseApiConfig({ ...secrets, ...placeholderDatabase });
    parseWorkerConfig({ ...secrets, ...placeholderDatabase });
  } catch (error) {
    throw new Error(`${path}: ${(error as Error).message}\n${recoveryHint(path)}`);
  }
  return secrets;
}

function recoveryHint(path: string): string {
  return `fix it, or delete it to generate new secrets (credentials already stored in the dev database were encrypted with the old key and will no longer decrypt): rm ${path}`;
}
