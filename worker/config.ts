// The worker's configuration, parsed once from the environment; a bad value stops the worker with a clear message.
import { z } from 'zod';
import { databaseSettings, encryptionSettings, parseSettings, providerUrlSettings, settingsEnvironment, temporalSettings, workflowSettings } from '../config/shared-settings';

const workerSettings = {
  ...temporalSettings,
  ...databaseSettings,
  ...encryptionSettings,
  ...workflowSettings,
  ...providerUrlSettings,
  TRIBUTARY_WEBHOOK_URL: z.url().optional(),
  TRIBUTARY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  TRIBUTARY_WEBHOOK_TIMEOUT_SECONDS: z.coerce.number().int().positive().default(10),
  TRIBUTARY_MAX_SLICE_SECONDS: z.coerce.number().int().positive().default(300),
  /** Sync slices this process runs at once (each holds a slot for up to a slice); default: the SDK's 100. */
  TRIBUTARY_MAX_CONCURRENT_SYNC_SLICES: z.coerce.number().int().positive().optional(),
  /**
   * Connection workflows kept in this worker's memory between their workflow tasks (the sticky cache; default: the
   * SDK's, from the heap limit, ~2,300 on a 4 GB heap). An evicted connection is replayed from its short history at
   * its next run: a lower cap trades that CPU for memory when one worker holds thousands of idle connections.
   */
  TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: z.coerce.number().int().min(0).optional(),
  /** Control activities (token refresh, run bookkeeping, webhooks) at once, on slots sync slices never take. */
  TRIBUTARY_MAX_CONCURRENT_CONTROL_ACTIVITIES: z.coerce.number().int().positive().default(20),
  /**
   * After SIGTERM, how long a running sync slice may take to store and checkpoint the page it is reading before it is
   * cancelled (and that page read again by the next worker). Keep it below the orchestrator's kill timeout.
   */
  TRIBUTARY_WORKER_SHUTDOWN_GRACE_SECONDS: z.coerce.number().int().nonnegative().default(20),
  /** A pre-built workflow bundle (tests, containers); without it the worker bundles at start. */
  TRIBUTARY_WORKFLOW_BUNDLE: z.string().min(1).optional(),
  /**
   * The status server (/healthz, /readyz, /metrics). Off when unset, because several workers may share a host;
   * 0 picks a free port and logs it.
   */
  TRIBUTARY_WORKER_STATUS_PORT: port(0).optional(),
  TRIBUTARY_WORKER_STATUS_HOST: z.string().min(1).default('127.0.0.1'),
  /** The Temporal SDK's own Prometheus exporter (task slots, poll latency, schedule-to-start), on the status host. */
  TRIBUTARY_WORKER_SDK_METRICS_PORT: port(1).optional(),
  /**
   * `provider=share,…` (e.g. `salesforce=0.5`): how much of a customer's daily API quota syncs may use before they
   * pause. The catalog says how a provider reports its quota, with a default share; how much of an allowance the
   * customer shares with its other integrations may take is the operator's call, changed without a release.
   */
  TRIBUTARY_PROVIDER_QUOTA_SHARES: perProvider(z.number().gt(0).max(1), 'a share above 0 and at most 1').default({}),
  /**
   * `provider=count,…` (e.g. `salesforce=5`): requests in flight per provider from this worker process. The right
   * number depends on how many workers a deployment runs against the provider's own limits.
   */
  TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS: perProvider(z.number().int().positive(), 'a positive integer').default({}),
};

/** `key=value[,key=value…]` with a number per provider key. */
function perProvider(value: z.ZodNumber, what: string) {
  return z.string().transform((text, ctx) => {
    const entries: Record<string, number> = {};
    for (const part of text.split(',').map((p) => p.trim()).filter(Boolean)) {
      const [key, raw] = part.split('=').map((p) => p.trim());
      const parsed = value.safeParse(raw === undefined || raw === '' ? NaN : Number(raw));
      if (!key || !parsed.success) {
        ctx.addIssue({ code: 'custom', message: `each entry must be provider=number, the number ${what} (got "${part}")` });
        return z.NEVER;
      }
      entries[key] = parsed.data;
    }
    return entries;
  });
}

function port(min: number) {
  return z.coerce.number().int().min(min).max(65535);
}

export type WorkerConfig = ReturnType<typeof parseWorkerConfig>;

export function parseWorkerConfig(env: NodeJS.ProcessEnv = process.env) {
  const config = parseSettings(workerSettings, env);
  if (config.TRIBUTARY_WEBHOOK_URL && !config.TRIBUTARY_WEBHOOK_SECRET) {
    throw new Error('Invalid configuration:\n  TRIBUTARY_WEBHOOK_SECRET: is required when TRIBUTARY_WEBHOOK_URL is set (webhooks are always signed)');
  }
  if (config.TRIBUTARY_WORKER_SDK_METRICS_PORT !== undefined && config.TRIBUTARY_WORKER_SDK_METRICS_PORT === config.TRIBUTARY_WORKER_STATUS_PORT) {
    throw new Error('Invalid configuration:\n  TRIBUTARY_WORKER_SDK_METRICS_PORT: must differ from TRIBUTARY_WORKER_STATUS_PORT');
  }
  return config;
}

/** The environment a worker process parses back into `config`: how the bench, chaos and tests start worker processes. */
export function workerEnvironment(config: Partial<WorkerConfig>): Record<string, string> {
  return settingsEnvironment(config);
}

/** A worker config from typed values over `base` (the parent's environment, or none), checked as the worker checks it. */
export function workerConfigOf(values: Partial<WorkerConfig>, base: NodeJS.ProcessEnv = {}): WorkerConfig {
  return parseWorkerConfig({ ...base, ...workerEnvironment(values) });
}
