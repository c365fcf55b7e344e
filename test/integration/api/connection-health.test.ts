// A connection whose workflow cannot make progress says so: GET /connections/:id and the list show `stuck` with the
// failure, read from Temporal (the database still says "active"), and the API's metric counts it.
import { NativeConnection, Worker } from '@temporalio/worker';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { sampleSum } from '../observability/prometheus-text';

describe('connection health', () => {
  let stack: TestStack;
  let brokenConnection: NativeConnection | null = null;
  let broken: Worker | null = null;
  let brokenRun: Promise<void> | null = null;

  beforeAll(async () => {
    // No worker of Tributary's: the only worker will be a broken release's.
    stack = await startTestStack({ name: 'connection-health', inProcessWorker: false });
  });
  afterAll(async () => {
    await stack?.close();
    broken?.shutdown();
    await brokenRun;
    await brokenConnection?.close();
  });

  const stuckMetric = async () => {
    const metrics = await fetch(`${stack.apiUrl}/metrics`);
    return sampleSum(await metrics.text(), 'tributary_connections_stuck', { cause: 'workflow_task_failing' });
  };

  it('when every workflow task of a connection fails, then the API shows it stuck with the failure and the metric counts it', async () => {
    expect((await stack.connectSalesforce('after-deploy')).status).toBe(201);
    // A workflow task waiting for its first worker is not a failure.
    const waiting = await stack.api('GET', '/connections/after-deploy');
    expect(waiting.body.health).toEqual({ state: 'ok', cause: null, reason: null, since: null });
    await stack.healthScan.scan();
    expect(await stuckMetric()).toBe(0);

    brokenConnection = await NativeConnection.connect({ address: process.env.TEMPORAL_ADDRESS as string });
    broken = await Worker.create({
      connection: brokenConnection,
      taskQueue: stack.taskQueue,
      workflowsPath: require.resolve('./broken-release/workflows'),
    });
    brokenRun = broken.run();

    const stuck = await eventually(
      async () => {
        const { body } = await stack.api('GET', '/connections/after-deploy');
        return body.health.state === 'stuck' ? body : null;
      },
      { timeoutMs: 60_000, what: "health 'stuck' after the broken release's workflow tasks failed" },
    );
    // Stopped once seen: the failed task stays pending at its attempt with no worker, and retries would only add noise.
    broken.shutdown();
    await brokenRun;
    broken = null;
    expect(stuck.status).toBe('active'); // what the database says: the reason this field exists
    expect(stuck.health).toMatchObject({ cause: 'workflow_task_failing', reason: expect.stringContaining('release 2.0 broke replay') });
    expect(Date.parse(stuck.health.since)).not.toBeNaN();

    // Lists show what the last health scan stored (no Temporal call per row): stuck once a scan has seen it, first.
    await stack.healthScan.scan();
    expect(await stuckMetric()).toBe(1);
    const list = await stack.api('GET', '/connections');
    expect(list.body.connections[0]).toMatchObject({ connectionId: 'after-deploy', health: { state: 'stuck', cause: 'workflow_task_failing' } });
  }, 120_000);
});
