// Reads and webhooks of one life of a connection id: after a delete and a re-create, run reads show only the new
// life's runs, and webhook retries of the deleted life stop instead of reaching the app with the new life's metadata.
import { waitForRunAfter } from '../support/assertions';
import { eventually } from '../support/eventually';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('the lives of a connection id', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ name: 'connection-lives' });
    stack.sandbox.seed('Contact', 5);
  });
  afterAll(() => stack?.close());

  const connect = async (connectionId: string) => {
    expect((await stack.connectSalesforce(connectionId, { contacts: { frequency: '1h' } })).status).toBe(201);
    return waitForRunAfter(stack, connectionId, 'contacts', null);
  };
  const recreate = async (connectionId: string) => {
    expect((await stack.api('DELETE', `/connections/${connectionId}`)).status).toBe(200);
    return connect(connectionId);
  };

  it("reads runs of the connection's current life only, whatever an earlier life left behind", async () => {
    await connect('rerun');
    const current = await recreate('rerun');
    const life = (await stack.store.connections.get('rerun')).incarnation;
    expect(life).toMatch(/^[0-9a-f]{16}$/);
    // What slices of deleted lives can leave after the delete removed their runs: runs written late, newer than any.
    const { incarnation: _life, ...firstLifeRun } = await stack.store.runs.require(current.runId);
    const later = { startedAt: new Date(Date.now() + 60_000), finishedAt: new Date(Date.now() + 61_000) };
    await stack.store.runs.collection.insertMany([
      { ...firstLifeRun, ...later, _id: 'rerun:contacts:first-life' },
      { ...firstLifeRun, ...later, _id: 'rerun:contacts:other-life', incarnation: 'deadbeefdeadbeef' },
    ]);

    const listed = await stack.api('GET', '/connections/rerun/runs');
    expect(listed.status).toBe(200);
    expect(listed.body.runs.map((run: { runId: string }) => run.runId)).toEqual([current.runId]);
    for (const runId of ['rerun:contacts:first-life', 'rerun:contacts:other-life']) {
      expect((await stack.api('GET', `/connections/rerun/runs/${encodeURIComponent(runId)}`)).status).toBe(404);
    }
    expect((await stack.api('GET', `/connections/rerun/runs/${encodeURIComponent(current.runId)}`)).status).toBe(200);
    expect((await stack.api('GET', '/connections/rerun')).body.syncs.contacts.lastRun.runId).toBe(current.runId);
  });

  it('stops the webhook retries of a deleted life instead of delivering them with the new life', async () => {
    stack.receiver.failWith = 503;
    const firstLife = await connect('echo');
    // Both of the first life's events (its auth "creation" and its first sync) have failed at least once.
    const firstLifeEvents = await eventually(async () => {
      const ids = await stack.store.webhookDeliveries.eventIds(['echo']);
      return ids.length >= 2 && ids.includes(firstLife.runId) ? ids : null;
    }, { what: "the first life's deliveries to fail" });

    const secondLife = await recreate('echo');
    expect((await stack.api('PATCH', '/connections/echo', { metadata: { life: 2 } })).status).toBe(200);
    stack.receiver.failWith = null;

    // Each first-life delivery ends at its next attempt, without reaching the app.
    for (const eventId of firstLifeEvents) {
      const handle = stack.temporal.workflow.getHandle(`webhook:${eventId}`);
      await eventually(async () => (await handle.describe()).status.name !== 'RUNNING', { timeoutMs: 90_000, what: `the delivery of ${eventId} to end` });
      expect([eventId, await handle.result()]).toEqual([eventId, false]);
    }
    // The new life's own events arrive: its first sync and its "creation" auth event.
    await stack.receiver.waitFor((received) => received.some((r) => r.event.id === secondLife.runId));
    await stack.receiver.waitFor((received) =>
      received.some((r) => r.event.type === 'auth' && r.event.connectionId === 'echo' && r.event.operation === 'creation' && !firstLifeEvents.includes(r.event.id)),
    );
    const toEcho = stack.receiver.received.filter((r) => r.event.connectionId === 'echo');
    expect(toEcho.filter((r) => firstLifeEvents.includes(r.event.id)).map((r) => r.event.id)).toEqual([]);
    expect((toEcho.find((r) => r.event.id === secondLife.runId)?.event as { metadata?: unknown } | undefined)?.metadata).toEqual({ life: 2 });
    // The deliveries listed for the connection are its current life's.
    const listed = await stack.api('GET', '/connections/echo/webhook-deliveries');
    expect(listed.body.deliveries.filter((d: { eventId: string }) => firstLifeEvents.includes(d.eventId))).toEqual([]);
  }, 150_000);
});
