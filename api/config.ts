// The API's configuration, parsed once from the environment; no secret has a default.
import { z } from 'zod';
import { databaseSettings, encryptionSettings, parseSettings, providerUrlSettings, settingsEnvironment, temporalSettings, workflowSettings } from '../config/shared-settings';
import { parseNamedSecretKeys, type NamedSecretKey } from '../security/secret-key';

const apiSettings = {
  ...temporalSettings,
  ...databaseSettings,
  ...encryptionSettings,
  ...providerUrlSettings,
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('127.0.0.1'),
  /**
   * When set, /metrics and /readyz are served only here (for scrapers and orchestrators inside the network), and the
   * public PORT answers 404 for them. 0 picks a free port.
   */
  TRIBUTARY_API_INTERNAL_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  TRIBUTARY_API_INTERNAL_HOST: z.string().min(1).default('127.0.0.1'),
  /** One unnamed key, kept for existing deployments: it is the key named `default`. */
  TRIBUTARY_SECRET_KEY: z.string().min(32, 'must be at least 32 characters').optional(),
  /** `name:key,name:key`: several keys at once, so one can be rotated or revoked alone; logs show the name. */
  TRIBUTARY_SECRET_KEYS: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined) return [];
      try {
        return parseNamedSecretKeys(value);
      } catch (error) {
        ctx.addIssue({ code: 'custom', message: (error as Error).message });
        return z.NEVER;
      }
    }),
  TRIBUTARY_PUBLIC_URL: z.url().default('http://127.0.0.1:3000'),
  TRIBUTARY_APP_NAME: z.string().trim().min(1).max(80).default('Tributary'),
  ...workflowSettings,
  /** How often the stuck-connections metric is recounted, and how many workflows it describes at once. */
  TRIBUTARY_HEALTH_SCAN_SECONDS: z.coerce.number().int().positive().default(60),
  TRIBUTARY_HEALTH_SCAN_CONCURRENCY: z.coerce.number().int().positive().default(4),
  /** Where connection views link to their workflow (the operators' deep view); `off` for no link. */
  TRIBUTARY_TEMPORAL_UI_URL: z
    .union([z.literal('off'), z.url({ protocol: /^https?$/, error: 'must be an http(s) URL or off' })])
    .default('http://127.0.0.1:8233')
    .transform((value) => (value === 'off' ? null : value)),
  /** How long the event log (run timelines, the logs search, record histories) keeps events. */
  TRIBUTARY_LOG_RETENTION_DAYS: z.coerce.number().positive().max(3650).default(14),
  TRIBUTARY_WORKFLOW_ID_PREFIX: z.string().regex(/^[A-Za-z0-9._:/-]*$/, 'may hold letters, digits and . _ : / - only').default(''),
};

export type ApiConfig = ReturnType<typeof parseApiConfig>;

export function parseApiConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseSettings(apiSettings, env);
  const secretKeys: NamedSecretKey[] = [...config.TRIBUTARY_SECRET_KEYS];
  if (config.TRIBUTARY_SECRET_KEY !== undefined) {
    if (secretKeys.some((k) => k.name === 'default')) {
      throw new Error('Invalid configuration:\n  TRIBUTARY_SECRET_KEYS: the name "default" belongs to TRIBUTARY_SECRET_KEY; choose another');
    }
    secretKeys.push({ name: 'default', key: config.TRIBUTARY_SECRET_KEY });
  }
  if (secretKeys.length === 0) {
    throw new Error('Invalid configuration:\n  TRIBUTARY_SECRET_KEYS: is required (format: name:key[,name:key…], each key at least 32 characters), or TRIBUTARY_SECRET_KEY for one key');
  }
  if (config.TRIBUTARY_API_INTERNAL_PORT !== undefined && config.TRIBUTARY_API_INTERNAL_PORT !== 0 && config.TRIBUTARY_API_INTERNAL_PORT === config.PORT) {
    throw new Error('Invalid configuration:\n  TRIBUTARY_API_INTERNAL_PORT: must differ from PORT');
  }
  return { ...config, secretKeys };
}

/** The environment an API process parses back into `config` (chaos runs API replicas, the dev stack one API). */
export function apiEnvironment(config: Partial<ApiConfig>): Record<string, string> {
  // `secretKeys` is TRIBUTARY_SECRET_KEYS and TRIBUTARY_SECRET_KEY together, which are written as themselves.
  return settingsEnvironment(config, ['secretKeys']);
}

/** An API config from typed values over `base` (the parent's environment, or none), checked as the API checks it. */
export function apiConfigOf(values: Partial<ApiConfig>, base: NodeJS.ProcessEnv = {}): ApiConfig {
  return parseApiConfig({ ...base, ...apiEnvironment(values) });
}
