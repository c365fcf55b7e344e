// The API's configuration, parsed once from the environment; no secret has a default.
import { z } from 'zod';
import { databaseSettings, encryptionSettings, parseSettings, temporalSettings, workflowSettings } from '../config/shared-settings';

const apiSettings = {
  ...temporalSettings,
  ...databaseSettings,
  ...encryptionSettings,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  TRIBUTARY_SECRET_KEY: z.string().min(32, 'must be at least 32 characters'),
  TRIBUTARY_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  ...workflowSettings,
  TRIBUTARY_WORKFLOW_ID_PREFIX: z.string().regex(/^[A-Za-z0-9._:/-]*$/, 'may hold letters, digits and . _ : / - only').default(''),
};

export type ApiConfig = ReturnType<typeof parseApiConfig>;

export function parseApiConfig(env: NodeJS.ProcessEnv = process.env) {
  return parseSettings(apiSettings, env);
}
