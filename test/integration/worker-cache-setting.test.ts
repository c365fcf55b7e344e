// The sticky cache setting reaches the Temporal worker: it is what keeps one worker holding 10,000 idle connections
// under 1 GB (docs/performance.md), so a wiring slip would only show as memory growth in production.
import { NativeConnection } from '@temporalio/worker';
import { parseWorkerConfig } from '../../worker/config';
import { createTributaryWorkers, type TributaryWorkers } from '../../worker/create-worker';
import type { Store } from '../../store/store';
import { activityDependencies } from '../support/activity-harness';

describe('TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS', () => {
  const base = { MONGODB_URI: 'mongodb://127.0.0.1:1', TRIBUTARY_ENCRYPTION_KEYS: `k1:${Buffer.alloc(32).toString('base64')}` };

  it('is read as a count, and a bad value stops the worker naming the variable', () => {
    expect(parseWorkerConfig({ ...base, TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: '1000' }).TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS).toBe(1000);
    expect(parseWorkerConfig(base).TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS).toBeUndefined();
    expect(() => parseWorkerConfig({ ...base, TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: '-1' })).toThrow(/TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS/);
    expect(() => parseWorkerConfig({ ...base, TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS: 'many' })).toThrow(/TRIBUTARY_WORKER_MAX_CACHED_WORKFLOWS/);
  });

  it('caps the workflow worker’s cache, and leaves the SDK default when unset', async () => {
    const connection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    const created: TributaryWorkers[] = [];
    try {
      const make = async (maxCachedWorkflows?: number) => {
        const workers = await createTributaryWorkers({
          connection,
          namespace: 'default',
          taskQueue: `worker-cache-${maxCachedWorkflows ?? 'default'}`,
          workflowBundlePath: process.env.TRIBUTARY_TEST_WORKFLOW_BUNDLE,
          maxCachedWorkflows,
          // No task reaches these workers (their queues are their own), so no activity touches the store.
          dependencies: activityDependencies({} as Store),
        });
        created.push(workers);
        return workers;
      };
      const capped = await make(50);
      expect(capped.main.options.maxCachedWorkflows).toBe(50);
      const uncapped = await make();
      // The SDK derives its default from the heap limit: at least 10, and never the cap above.
      expect(uncapped.main.options.maxCachedWorkflows).not.toBe(50);
      expect(uncapped.main.options.maxCachedWorkflows).toBeGreaterThanOrEqual(10);
    } finally {
      // A created worker holds the connection until it has run and shut down.
      for (const workers of created) {
        const running = workers.run();
        workers.shutdown();
        await running;
      }
      await connection.close();
    }
  });
});
