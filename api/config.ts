// The API's configuration, parsed once from the environment; no secret has a default.
import { z } from 'zod';
import { databaseSettings, encryptionSettings, parseSettings, temporalSettings } from '../config/shared-settings';

const apiSettings = {
  ...temporalSettings,
  ...databaseSettings,
  ...encryptionSettings,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  TRIBUTARY_SECRET_KEY: z.string().min(32, 'must be at least 32 characters'),
  TRIBUTARY_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  TRIBUTARY_APP_NAME: z.string().trim().min(1).max(80).default('Tributary'),
  TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(60),
  TRIBUTARY_SYNC_SLICE_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(900),
  TRIBUTARY_REFRESH_RETRY_SECONDS: z.coerce.number().int().positive().default(600),
  TRIBUTARY_WEBHOOK_RETRY_HOURS: z.coerce.number().positive().default(24),
  TRIBUTARY_WORKFLOW_ID_PREFIX: z.string().regex(/^[A-Za-z0-9._:/-]*$/, 'may hold letters, digits and . _ : / - only').default(''),
};

export type ApiConfig = ReturnType<typeof parseApiConfig>;

export function parseApiConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseSettings(apiSettings, env);
}
