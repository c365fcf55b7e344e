// What activities need from the process that hosts them; the worker wires the real ones, tests their own.
import type { Logger } from 'pino';
import type { WorkflowSettings } from '../contracts/connection-workflow-messages';
import type { WorkerMetrics } from '../observability/metrics';
import type { ProviderCatalog } from '../providers/catalog';
import type { Store } from '../store/store';

export interface ActivitySettings {
  webhookUrl: string | null;
  webhookSecret: string | null;
  webhookTimeoutMs: number;
  /** A sync activity hands control back to its workflow after this long, so histories and restarts stay cheap. */
  maxSliceMs: number;
  /**
   * This worker's connection-workflow settings: running workflows adopt them at each run start and continue-as-new.
   * Absent: workflows keep the settings they were started with.
   */
  workflow?: WorkflowSettings;
}

export interface ActivityDependencies {
  store: Store;
  catalog: ProviderCatalog;
  logger: Logger;
  /** The process's metrics; tests pass their own and read it back. */
  metrics: WorkerMetrics;
  settings: ActivitySettings;
  /**
   * Aborted when the worker process starts shutting down (a deploy's SIGTERM): a sync slice stores the page it is
   * reading, checkpoints it and hands back, so the next worker resumes there instead of repeating it.
   */
  stopping?: AbortSignal;
}
