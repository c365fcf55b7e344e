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
  /**
   * At most `max` connections created and not yet synced once: ten thousand first syncs queued at once outgrew the
   * worker's sticky cache, so their workflow tasks mostly meant replaying a history. `synced` counts the ones done.
   */
  unsynced?: { max: number; synced: () => number };
  log: (message: string) => void;
}

/** Creates them `CREATE_CONCURRENCY` at a time; answers the latency of each `POST /connections`, in creation order (ms). */
export async function createConnections(input: CreateConnectionsInput): Promise<number[]> {
  const createMs: number[] = new Array<number>(input.count);
  let next = 1;
  let done = 0;
  const logEvery = Math.max(100, Math.ceil(input.count / 10));
  const sender = async () => {
    for (let index = next++; index <= input.count; index = next++) {
      while (input.unsynced && index - input.unsynced.synced() > input.unsynced.max) await new Promise((resolve) => setTimeout(resolve, 2000));
      const sentAt = performance.now();
      await input.stack.connect(`${input.prefix}-${index}`, input.integration, input.syncs);
      createMs[index - 1] = performance.now() - sentAt;
      if (++done % logEvery === 0) input.log(`${input.prefix}: ${done} of ${input.count} connections created`);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, input.count) }, sender));
  return createMs;
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
