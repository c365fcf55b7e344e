// Settings that both the API and the worker read from the environment, as zod fragments.
import { z } from 'zod';
import type { WorkflowSettings } from '../contracts/connection-workflow-messages';

export const temporalSettings = {
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TRIBUTARY_TASK_QUEUE: z.string().min(1).default('tributary'),
};

export const databaseSettings = {
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
  MONGODB_DB: z.string().min(1).default('tributary'),
};

/**
 * `keyId:base64Key` pairs separated by commas; the first key encrypts, all of them decrypt,
 * so a key can be rotated by putting the new one first and keeping the old one until re-encrypted.
 */
export const encryptionSettings = {
  TRIBUTARY_ENCRYPTION_KEYS: z
    .string()
    .min(1, 'is required (format: keyId:base64-of-32-bytes[,olderKeyId:…])')
    .transform((value, ctx) => {
      const keys: { id: string; key: Buffer }[] = [];
      for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
        const [id, encoded] = part.split(':');
        const key = encoded ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
        if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
          ctx.addIssue({ code: 'custom', message: 'each entry must be keyId:base64 of exactly 32 bytes' });
          return z.NEVER;
        }
        // Two keys under one id: a ciphertext names its key by id, so one of them could never decrypt anything.
        if (keys.some((k) => k.id === id)) {
          ctx.addIssue({ code: 'custom', message: `key id "${id}" appears twice; every key needs its own id` });
          return z.NEVER;
        }
        keys.push({ id, key });
      }
      if (keys.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
        return z.NEVER;
      }
      return keys;
    }),
};

/**
 * How connection workflows behave (timeouts, retry horizons, history length). Read by the API when it starts a
 * workflow and by the worker, whose values a running workflow adopts at each run start and continue-as-new: change
 * them on the workers and live connections follow without being restarted.
 */
export const workflowSettings = {
  TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(60),
  TRIBUTARY_SYNC_SLICE_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(900),
  TRIBUTARY_REFRESH_RETRY_SECONDS: z.coerce.number().int().positive().default(600),
  TRIBUTARY_WEBHOOK_RETRY_HOURS: z.coerce.number().positive().default(24),
  TRIBUTARY_CONTINUE_AS_NEW_AFTER_EVENTS: z.coerce.number().int().min(100).max(40_000).default(10_000),
  TRIBUTARY_DEGRADED_NOTICE_SECONDS: z.coerce.number().int().positive().default(900),
};

type WorkflowSettingsConfig = { [K in keyof typeof workflowSettings]: z.output<(typeof workflowSettings)[K]> };

export function workflowSettingsOf(config: WorkflowSettingsConfig): WorkflowSettings {
  return {
    heartbeatTimeoutMs: config.TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS * 1000,
    sliceTimeoutMs: config.TRIBUTARY_SYNC_SLICE_TIMEOUT_SECONDS * 1000,
    refreshRetryForMs: config.TRIBUTARY_REFRESH_RETRY_SECONDS * 1000,
    webhookRetryForMs: config.TRIBUTARY_WEBHOOK_RETRY_HOURS * 3_600_000,
    continueAsNewAfterEvents: config.TRIBUTARY_CONTINUE_AS_NEW_AFTER_EVENTS,
    degradedNoticeAfterMs: config.TRIBUTARY_DEGRADED_NOTICE_SECONDS * 1000,
  };
}

/** The inverse of workflowSettingsOf: a test's or the bench's workflow settings as configuration values. */
export function workflowSettingsConfig(settings: WorkflowSettings): WorkflowSettingsConfig {
  return {
    TRIBUTARY_SYNC_HEARTBEAT_TIMEOUT_SECONDS: Math.ceil(settings.heartbeatTimeoutMs / 1000),
    TRIBUTARY_SYNC_SLICE_TIMEOUT_SECONDS: Math.ceil(settings.sliceTimeoutMs / 1000),
    TRIBUTARY_REFRESH_RETRY_SECONDS: Math.ceil(settings.refreshRetryForMs / 1000),
    TRIBUTARY_WEBHOOK_RETRY_HOURS: settings.webhookRetryForMs / 3_600_000,
    TRIBUTARY_CONTINUE_AS_NEW_AFTER_EVENTS: settings.continueAsNewAfterEvents,
    TRIBUTARY_DEGRADED_NOTICE_SECONDS: Math.ceil((settings.degradedNoticeAfterMs ?? 900_000) / 1000),
  };
}

/** Where provider credentials may be sent beyond each provider's own hosts (see security/provider-urls.ts). */
export const providerUrlSettings = {
  /**
   * Development and test stacks only: lets provider URLs point at loopback (http://127.0.0.1 sandboxes). Never in
   * production, where it would let a key holder aim the worker at services on its own host.
   */
  TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: z
    .enum(['true', 'false'], { error: 'must be true or false' })
    .default('false')
    .transform((value) => value === 'true'),
  /** `provider=pattern|pattern,…` (e.g. `salesforce=*.example-proxy.com`): hosts allowed on top of the catalog's. */
  TRIBUTARY_PROVIDER_EXTRA_HOSTS: z
    .string()
    .default('')
    .transform((value, ctx) => {
      const hosts: Record<string, string[]> = {};
      for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
        const [provider, patterns] = part.split('=').map((p) => p.trim());
        const list = (patterns ?? '').split('|').map((p) => p.trim().toLowerCase()).filter(Boolean);
        if (!provider || list.length === 0 || list.some((pattern) => !/^(\*\.)?[a-z0-9*-]+(\.[a-z0-9*-]+)+$/.test(pattern))) {
          ctx.addIssue({ code: 'custom', message: `each entry must be provider=host[|host…], like crm=*.example.com (got "${part}")` });
          return z.NEVER;
        }
        hosts[provider] = [...(hosts[provider] ?? []), ...list];
      }
      return hosts;
    }),
};

/** The catalog under the operator's URL policy. */
export function urlPolicyOf(config: { TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: boolean; TRIBUTARY_PROVIDER_EXTRA_HOSTS: Record<string, string[]> }) {
  return { allowLoopback: config.TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS, extraHosts: config.TRIBUTARY_PROVIDER_EXTRA_HOSTS };
}

/**
 * Settings whose parsed value is not the variable's text, and how each is written back: the inverse of their
 * transforms above (and in api/config.ts, worker/config.ts), so a parsed config can start a child process.
 */
const SETTING_FORMATS: Record<string, (value: never) => string | undefined> = {
  TRIBUTARY_ENCRYPTION_KEYS: (keys: { id: string; key: Buffer }[]) => keys.map((k) => `${k.id}:${k.key.toString('base64')}`).join(','),
  TRIBUTARY_PROVIDER_EXTRA_HOSTS: (hosts: Record<string, string[]>) =>
    Object.entries(hosts)
      .map(([provider, patterns]) => `${provider}=${patterns.join('|')}`)
      .join(','),
  // None named: unset, as an empty list is refused (TRIBUTARY_SECRET_KEY may hold the only key).
  TRIBUTARY_SECRET_KEYS: (keys: { name: string; key: string; scope?: string }[]) =>
    keys.length === 0 ? undefined : keys.map((k) => `${k.name}:${k.key}${k.scope && k.scope !== 'admin' ? `:${k.scope}` : ''}`).join(','),
  // Parsed into null when `off`.
  TRIBUTARY_TEMPORAL_UI_URL: (url: string | null) => url ?? 'off',
  TRIBUTARY_PROVIDER_QUOTA_SHARES: perProviderText,
  TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS: perProviderText,
};

function perProviderText(entries: Record<string, number>): string {
  return Object.entries(entries)
    .map(([provider, value]) => `${provider}=${value}`)
    .join(',');
}

/**
 * A (partial) parsed config as the environment variables that parse back into it: the one way a process hands its
 * settings to a child (a worker the bench measures, one a chaos scenario kills, the dev stack's processes). Unset
 * values are left out, so the child's own defaults apply; `derived` names values computed from others (not variables).
 */
export function settingsEnvironment(config: Record<string, unknown>, derived: readonly string[] = []): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(config)) {
    if (value === undefined || derived.includes(name)) continue;
    const format = SETTING_FORMATS[name];
    if (format) {
      const text = format(value as never);
      if (text !== undefined) env[name] = text;
    } else if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') env[name] = String(value);
    else throw new Error(`${name}: no way to write this setting as an environment variable; add it to SETTING_FORMATS`);
  }
  return env;
}

/** Parses `process.env` once at start-up; a bad value stops the process with a message naming each variable. */
export function parseSettings<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  // An empty variable (`PORT=`, or a compose file's substitution of an unset one) is unset: its default applies, or a
  // required one says it is required. Read as a value, a number would take it for 0 (PORT= would pick a random port).
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const result = z.object(shape).safeParse(set);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}
