// Waiting on a connection's runs through the status API, as an app or operator would see them.
import type { BenchStack } from './stack';

export interface RunStatus {
  runId: string;
  status: 'running' | 'succeeded' | 'failed';
  startedAt: string;
  finishedAt: string | null;
  pages: number;
  recordsRead: number;
  providerRequests: number;
  error: { code: string; message: string } | null;
}

interface ConnectionStatus {
  syncs: Record<string, { nextRunAt: string | null; lastRun: RunStatus | null }>;
}

export async function lastRuns(stack: BenchStack, connectionId: string): Promise<Record<string, RunStatus | null>> {
  const response = await stack.api<ConnectionStatus>('GET', `/connections/${encodeURIComponent(connectionId)}`);
  if (response.status !== 200) throw new Error(`GET /connections/${connectionId} answered ${response.status}`);
  return Object.fromEntries(Object.entries(response.body.syncs).map(([model, sync]) => [model, sync.lastRun]));
}

/** Polls until every model's latest run is not `previous[model]` and has finished; a failed run is an error. */
export async function waitForFinishedRuns(
  stack: BenchStack,
  connectionId: string,
  models: readonly string[],
  { previous = {}, timeoutMs, intervalMs = 50 }: { previous?: Record<string, string | null>; timeoutMs: number; intervalMs?: number },
): Promise<Record<string, RunStatus>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const runs = await lastRuns(stack, connectionId);
    const finished = models.every((model) => {
      const run = runs[model];
      return run && run.runId !== previous[model] && run.status !== 'running';
    });
    if (finished) {
      for (const model of models) {
        const run = runs[model] as RunStatus;
        if (run.status !== 'succeeded') throw new Error(`${connectionId} ${model} run ${run.runId} ${run.status}: ${JSON.stringify(run.error)}`);
      }
      return runs as Record<string, RunStatus>;
    }
    if (Date.now() > deadline) throw new Error(`${connectionId}: runs of ${models.join(', ')} did not finish within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
