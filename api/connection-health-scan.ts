// Counts this deployment's stuck connections for the metric, on a timer of its own: a scrape reads the last count
// and never waits for (or multiplies) the describes behind it.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ConnectionHealthMetrics } from '../observability/metrics';
import { DEFAULT_HEALTH_THRESHOLDS, problemOf, type HealthThresholds } from './connection-health';

export interface HealthScanSettings {
  intervalMs: number;
  /** Describes in flight at once, so a scan of thousands of connections never floods the Temporal frontend. */
  concurrency: number;
  thresholds?: HealthThresholds;
}

/**
 * One scan lists the running connection workflows of this deployment's task queue (a visibility query: one call per
 * page) and describes each, a few at a time; only the description is read, never a history.
 */
export class ConnectionHealthScan {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly temporal: Client,
    private readonly taskQueue: string,
    private readonly metrics: ConnectionHealthMetrics,
    private readonly logger: Logger,
    private readonly settings: HealthScanSettings,
  ) {}

  start(): void {
    const next = () => {
      this.timer = setTimeout(() => void this.scan().finally(next), this.settings.intervalMs);
      this.timer.unref();
    };
    void this.scan().finally(next);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** Scans once (a scan already under way is joined, not doubled); a failed scan keeps the previous numbers. */
  scan(): Promise<void> {
    this.running ??= this.scanOnce()
      .catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, 'connection health scan failed'))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async scanOnce(): Promise<void> {
    const query = `WorkflowType = 'connectionWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${this.taskQueue}'`;
    const workflowIds: string[] = [];
    for await (const execution of this.temporal.workflow.list({ query })) workflowIds.push(execution.workflowId);

    const stuck: Record<string, number> = {};
    let next = 0;
    const describeNext = async (): Promise<void> => {
      while (next < workflowIds.length) {
        const workflowId = workflowIds[next++];
        const description = await this.temporal.workflow.getHandle(workflowId).describe().catch(() => null);
        const problem = description && problemOf(description, this.settings.thresholds ?? DEFAULT_HEALTH_THRESHOLDS);
        if (problem) stuck[problem.cause] = (stuck[problem.cause] ?? 0) + 1;
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.settings.concurrency) }, describeNext));
    this.metrics.scanFinished(stuck, workflowIds.length);
  }
}
