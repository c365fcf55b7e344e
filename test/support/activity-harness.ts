// Running activities outside a worker, as a test that must act between two of their steps (fail the store, hold a
// write, kill an attempt) needs: the dependencies a worker gives them, and Temporal's mock activity context.
import { MockActivityEnvironment } from '@temporalio/testing';
import { DefaultLogger } from '@temporalio/worker';
import pino from 'pino';
import type { ActivityDependencies } from '../../activities/dependencies';
import { WorkerMetrics } from '../../observability/metrics';
import { providerCatalog } from '../../providers/catalog';
import type { Store } from '../../store/store';

/** What a test worker gives its activities, on `store` (often the stack's, wrapped to fail or hold at one point). */
export function activityDependencies(store: Store): ActivityDependencies {
  return {
    store,
    catalog: providerCatalog.withUrlPolicy({ allowLoopback: true }),
    logger: pino({ level: 'silent' }),
    metrics: new WorkerMetrics(),
    settings: { webhookUrl: null, webhookSecret: null, webhookTimeoutMs: 1000, maxSliceMs: 60_000 },
  };
}

/** One attempt's context; the mock's defaults (a one-second start-to-close) unless the test says otherwise. */
export function activityAttempt(info: ConstructorParameters<typeof MockActivityEnvironment>[0] = {}): MockActivityEnvironment {
  return new MockActivityEnvironment(info, { logger: new DefaultLogger('ERROR') });
}
