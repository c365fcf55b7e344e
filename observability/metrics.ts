// Prometheus metrics: a registry per process with the Node.js defaults, the worker's sync, provider and webhook counters, and the API's stuck-connection gauges and provider-webhook counter.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * A fresh registry with the process metrics (CPU, memory, event loop, GC). One per process in production; tests make
 * their own, so nothing is shared through prom-client's global registry.
 */
export function createProcessRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}

export type RecordAction = 'added' | 'updated' | 'deleted' | 'unchanged';
export type SyncRunOutcome = 'succeeded' | 'failed';
export type TokenRefreshOutcome = 'succeeded' | 'invalid_grant' | 'rejected' | 'transient';

/** An HTTP status reduced to its class; `no_response` when the request never got an answer (reset, timeout). */
export type StatusClass = '1xx' | '2xx' | '3xx' | '4xx' | '5xx' | 'no_response';

export function statusClass(status: number | null): StatusClass {
  if (status === null || status < 100 || status > 599) return 'no_response';
  return `${Math.floor(status / 100)}xx` as StatusClass;
}

/** Where a sync happens, as labels: provider and model come from the catalog, so their number is bounded. */
export interface SyncLabels {
  provider: string;
  model: string;
}

/**
 * What the worker counts. Every method takes only bounded, non-secret values: no connection id, run id, URL or
 * message ever becomes a label, because each distinct value is a new time series kept in memory for good.
 */
export class WorkerMetrics {
  private readonly recordsSynced: Counter<'provider' | 'model' | 'action'>;
  private readonly syncRunDuration: Histogram<'provider' | 'model' | 'mode' | 'outcome'>;
  private readonly providerRequests: Counter<'provider' | 'status_class'>;
  private readonly rateLimitWaits: Counter<'provider'>;
  private readonly rateLimitWaitSeconds: Counter<'provider'>;
  private readonly tokenRefreshes: Counter<'provider' | 'outcome'>;
  private readonly webhookDeliveries: Counter<'event_type' | 'outcome' | 'status_class'>;

  constructor(readonly registry: Registry = createProcessRegistry()) {
    const registers = [registry];
    this.recordsSynced = new Counter({
      name: 'tributary_records_synced_total',
      help: 'Records read from providers and stored, by what storing them changed.',
      labelNames: ['provider', 'model', 'action'],
      registers,
    });
    this.syncRunDuration = new Histogram({
      name: 'tributary_sync_run_duration_seconds',
      help: 'Wall time of a sync run from begin to succeeded or failed, rate-limit and refresh waits included.',
      labelNames: ['provider', 'model', 'mode', 'outcome'],
      // Incremental runs take seconds, a first full sync of a large account hours.
      buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600],
      registers,
    });
    this.providerRequests = new Counter({
      name: 'tributary_provider_requests_total',
      help: 'Data requests sent to providers by sync runs, by HTTP status class of the answer.',
      labelNames: ['provider', 'status_class'],
      registers,
    });
    this.rateLimitWaits = new Counter({
      name: 'tributary_rate_limit_waits_total',
      help: 'Times a provider rate-limited a sync run, which then waited before resuming.',
      labelNames: ['provider'],
      registers,
    });
    this.rateLimitWaitSeconds = new Counter({
      name: 'tributary_rate_limit_wait_seconds_total',
      help: 'Seconds sync runs were told to wait by provider rate limits.',
      labelNames: ['provider'],
      registers,
    });
    this.tokenRefreshes = new Counter({
      name: 'tributary_token_refreshes_total',
      help: 'OAuth access-token refreshes, by outcome (succeeded, or the kind of failure).',
      labelNames: ['provider', 'outcome'],
      registers,
    });
    this.webhookDeliveries = new Counter({
      name: 'tributary_webhook_deliveries_total',
      help: 'Webhook delivery attempts, by outcome; failed attempts are retried.',
      labelNames: ['event_type', 'outcome', 'status_class'],
      registers,
    });
  }

  recordsStored(labels: SyncLabels, counts: Partial<Record<RecordAction, number>>): void {
    for (const [action, count] of Object.entries(counts)) {
      if (count) this.recordsSynced.inc({ provider: labels.provider, model: labels.model, action }, count);
    }
  }

  syncRunEnded(labels: SyncLabels & { mode: string }, outcome: SyncRunOutcome, durationMs: number): void {
    this.syncRunDuration.observe({ provider: labels.provider, model: labels.model, mode: labels.mode, outcome }, durationMs / 1000);
  }

  providerAnswered(provider: string, status: number | null): void {
    this.providerRequests.inc({ provider, status_class: statusClass(status) });
  }

  rateLimited(provider: string, waitMs: number): void {
    this.rateLimitWaits.inc({ provider });
    this.rateLimitWaitSeconds.inc({ provider }, waitMs / 1000);
  }

  tokenRefreshed(provider: string, outcome: TokenRefreshOutcome): void {
    this.tokenRefreshes.inc({ provider, outcome });
  }

  webhookAttempted(eventType: string, delivered: boolean, status: number | null): void {
    this.webhookDeliveries.inc({ event_type: eventType, outcome: delivered ? 'delivered' : 'failed', status_class: statusClass(status) });
  }
}

/** What the API counts of provider webhooks; integration keys are few and chosen by the operator, accounts never labels. */
export class ProviderWebhookMetrics {
  private readonly unmatched: Counter<'integration' | 'provider'>;

  constructor(readonly registry: Registry) {
    this.unmatched = new Counter({
      name: 'tributary_provider_webhook_unmatched_accounts_total',
      help: 'Authenticated provider webhook deliveries naming an account no connection of the integration has (once per account and delivery): changes that reach no connection. The log line names the account.',
      labelNames: ['integration', 'provider'],
      registers: [registry],
    });
  }

  accountUnmatched(integration: string, provider: string): void {
    this.unmatched.inc({ integration, provider });
  }
}

/** The API's view of connections that cannot make progress, from its periodic scan of running workflows. */
export class ConnectionHealthMetrics {
  private readonly stuck: Gauge<'cause'>;
  private readonly scanned: Gauge;
  private readonly lastScan: Gauge;

  constructor(readonly registry: Registry) {
    const registers = [registry];
    this.stuck = new Gauge({
      name: 'tributary_connections_stuck',
      help: 'Running connection workflows that cannot make progress at the last scan, by cause (workflow_task_failing, activity_failing).',
      labelNames: ['cause'],
      registers,
    });
    this.scanned = new Gauge({
      name: 'tributary_connection_health_scanned',
      help: 'Running connection workflows the last health scan looked at.',
      registers,
    });
    this.lastScan = new Gauge({
      name: 'tributary_connection_health_last_scan_timestamp_seconds',
      help: 'When the last health scan finished (Unix time); alert when it stops moving.',
      registers,
    });
  }

  scanFinished(stuckByCause: Record<string, number>, scanned: number): void {
    this.stuck.reset();
    for (const cause of ['workflow_task_failing', 'activity_failing']) this.stuck.set({ cause }, stuckByCause[cause] ?? 0);
    this.scanned.set(scanned);
    this.lastScan.set(Date.now() / 1000);
  }
}
