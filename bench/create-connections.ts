// Many connections for the scale and idle sections, created through the API as an app would, several at once: one
// after another, 10,000 of them took longer (~0.5 s each) than the phase they set up.
import type { BenchStack } from './stack';

/** Requests in flight while creating; an app onboarding many customers at once would send about this many. */
export const CREATE_CONCURRENCY = 16;

export interface CreateConnectionsInput {
  stack: BenchStack;
  integration: string;
  /** Connection ids are `${prefix}-1` … `${prefix}-${count}`. */
  prefix: string;
  count: number;
  syncs: Record<string, { frequency: string }>;
  /** Requests in flight. */
  concurrency: number;
  /**
   * At most `max` connections created and not yet synced once: ten thousand first syncs queued at once outgrew the
   * worker's sticky cache, and every workflow task became a replay of its history. `synced` counts the ones done.
   */
  unsynced?: { max: number; synced: () => Promise<number> };
  log: (message: string) => void;
}

export interface CreatedConnections {
  /** Latency of each `POST /connections`, in creation order (ms). */
  createMs: number[];
  /** From the first request sent to the last answered (s). */
  seconds: number;
}

export async function createConnections(input: CreateConnectionsInput): Promise<CreatedConnections> {
  const createMs: number[] = new Array<number>(input.count);
  const startedAt = performance.now();
  let next = 1;
  let done = 0;
  const logEvery = Math.max(100, Math.ceil(input.count / 10));
  let synced = 0;
  let counting: Promise<number> | null = null;
  const roomFor = async (index: number) => {
    const limit = input.unsynced;
    if (!limit) return;
    while (index - synced > limit.max) {
      // One count at a time, however many senders wait for it.
      counting ??= limit.synced().finally(() => (counting = null));
      synced = await counting;
      if (index - synced > limit.max) await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  };
  const sender = async () => {
    for (let index = next++; index <= input.count; index = next++) {
      await roomFor(index);
      const sentAt = performance.now();
      await input.stack.connect(`${input.prefix}-${index}`, input.integration, input.syncs);
      createMs[index - 1] = performance.now() - sentAt;
      if (++done % logEvery === 0) input.log(`${input.prefix}: ${done} of ${input.count} connections created`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(input.concurrency, input.count) }, sender));
  return { createMs, seconds: (performance.now() - startedAt) / 1000 };
}

/**
 * Connections whose first sync of `model` has ended, counted from the sync webhooks that arrived rather than from the
 * database: reading thousands of connection documents every few seconds made FerretDB the setup's bottleneck.
 */
export function syncedOnce(stack: BenchStack, model: string): number {
  const connectionIds = new Set<string>();
  for (const { event } of stack.receiver.arrived) if (event.type === 'sync' && event.model === model) connectionIds.add(event.connectionId);
  return connectionIds.size;
}
