// Counts this deployment's stuck connections for the metric, on a timer of its own: a scrape reads the last count
// and never waits for (or multiplies) the describes behind it.
import type { Client } from '@temporalio/client';
import type { Logger } from 'pino';
import type { ConnectionHealthMetrics } from '../observability/metrics';
import type { StoredHealth } from '../store/connections';
import type { Store } from '../store/store';
import { DEFAULT_HEALTH_THRESHOLDS, describeProblem, problemOf, type HealthThresholds, type Problem } from './connection-health';
import type { ConnectionDirectory } from './console/connection-directory';

/**
 * Where a scan's findings go besides the metric: each connection's health, stored when it changed, for the lists and
 * the overview (which never ask Temporal per row). `directory` (when the process has one) sees them at once.
 */
export interface HealthScanResults {
  store: Store;
  workflowIdOf(connectionId: string): string;
  directory?: ConnectionDirectory;
}

/** A connection created this recently may not be in Temporal's list of running workflows yet (visibility lags). */
const NEW_CONNECTION_GRACE_MS = 120_000;

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
    private readonly results?: HealthScanResults,
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
    const startedAt = Date.now();
    const query = `WorkflowType = 'connectionWorkflow' AND ExecutionStatus = 'Running' AND TaskQueue = '${this.taskQueue}'`;
    const workflowIds: string[] = [];
    for await (const execution of this.temporal.workflow.list({ query })) workflowIds.push(execution.workflowId);

    const stuck: Record<string, number> = {};
    /** By workflow id: its problem, null when fine, undefined when it could not be described (left as stored). */
    const findings = new Map<string, Problem | null | undefined>();
    let next = 0;
    const describeNext = async (): Promise<void> => {
      while (next < workflowIds.length) {
        const workflowId = workflowIds[next++];
        const description = await this.temporal.workflow.getHandle(workflowId).describe().catch(() => null);
        const problem = description && problemOf(description, this.settings.thresholds ?? DEFAULT_HEALTH_THRESHOLDS);
        if (problem) stuck[problem.cause] = (stuck[problem.cause] ?? 0) + 1;
        findings.set(workflowId, description ? problem : undefined);
      }
    };
    await Promise.all(Array.from({ length: Math.max(1, this.settings.concurrency) }, describeNext));
    this.metrics.scanFinished(stuck, workflowIds.length);
    if (this.results) await this.storeFindings(findings, startedAt);
  }

  /**
   * Each connection's health as this scan found it, written only where it changed (a scan of 10,000 healthy
   * connections writes nothing). A connection whose workflow is not among the running ones is stuck, unless it is too
   * new for Temporal's list to show it.
   */
  private async storeFindings(findings: Map<string, Problem | null | undefined>, startedAt: number): Promise<void> {
    const { store, workflowIdOf, directory } = this.results as HealthScanResults;
    const connections = directory
      ? [...(await directory.all())].map((entry) => ({ connectionId: entry.connectionId, createdAt: entry.createdAt, stored: entry.storedHealth }))
      : await collect(store);
    for (const { connectionId, createdAt, stored } of connections) {
      const workflowId = workflowIdOf(connectionId);
      let problem: Problem | null;
      if (findings.has(workflowId)) {
        const found = findings.get(workflowId);
        if (found === undefined) continue;
        problem = found;
      } else {
        if (createdAt.getTime() > startedAt - NEW_CONNECTION_GRACE_MS) continue;
        problem = { cause: 'workflow_not_running', status: 'NOT RUNNING', closedAt: null };
      }
      const state = problem ? 'stuck' : 'ok';
      const cause = problem?.cause ?? null;
      if (stored?.state === state && stored.cause === cause) continue;
      const described = problem ? describeProblem(problem, []) : null;
      const health: StoredHealth = { state, cause, reason: described?.reason ?? null, since: described?.since ?? null, checkedAt: new Date() };
      await store.connections.setHealth(connectionId, health);
      directory?.setHealth(connectionId, { state, cause });
    }
  }
}

async function collect(store: Store): Promise<{ connectionId: string; createdAt: Date; stored: { state: string; cause: string | null } | null }[]> {
  const all = [];
  for await (const connection of store.connections.scanAll()) {
    all.push({ connectionId: connection.connectionId, createdAt: connection.createdAt, stored: connection.health ? { state: connection.health.state, cause: connection.health.cause } : null });
  }
  return all;
}
