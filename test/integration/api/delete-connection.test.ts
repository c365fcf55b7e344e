// DELETE /connections/:id ends the connection's workflow and removes everything stored for it, once, even when
// creates and deletes of the same connection race.
import { TributaryApiError, TributaryClient } from '../../../client';
import { COLLECTIONS } from '../../../store/database';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

describe('DELETE /connections/:connectionId', () => {
  let stack: TestStack;
  let client: TributaryClient;

  const storedFor = async (connectionId: string) => {
    const db = stack.database.db;
    return {
      connection: await db.collection(COLLECTIONS.connections).countDocuments({ _id: connectionId as never }),
      records: await db.collection(COLLECTIONS.records).countDocuments({ connectionId }),
      runs: await db.collection(COLLECTIONS.syncRuns).countDocuments({ connectionId }),
      feeds: await db.collection(COLLECTIONS.feeds).countDocuments({ connectionId }),
      deliveries: await db.collection(COLLECTIONS.webhookDeliveries).countDocuments({ connectionId }),
    };
  };

  const workflowStatus = async (connectionId: string) =>
    (await stack.temporal.workflow.getHandle(stack.workflowId(connectionId)).describe()).status.name;

  const synced = (connectionId: string) =>
    eventually(async () => (await client.getConnection(connectionId)).syncs.contacts.lastRun?.status === 'succeeded', {
      what: `${connectionId}'s first contacts run`,
    });

  beforeAll(async () => {
    stack = await startTestStack({ name: 'delete-connection' });
    stack.sandbox.seed('Contact', 30);
    client = new TributaryClient({ baseUrl: stack.apiUrl, secretKey: stack.secretKey });
  });
  afterAll(() => stack?.close());

  it('ends the workflow and removes the connection, its records, changes feed, runs and deliveries; a second delete answers 404', async () => {
    expect((await stack.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
    await synced('acme');
    await eventually(async () => (await storedFor('acme')).deliveries > 0, { what: 'a webhook delivery' });
    expect(await storedFor('acme')).toMatchObject({ connection: 1, records: 30, runs: 1, feeds: 1 });

    expect(await client.deleteConnection('acme')).toEqual({ connectionId: 'acme', deleted: true });

    // The workflow stopped its own runs and ended: nothing had to be terminated.
    expect(await workflowStatus('acme')).toBe('COMPLETED');
    expect(await storedFor('acme')).toEqual({ connection: 0, records: 0, runs: 0, feeds: 0, deliveries: 0 });
    const again = await stack.api('DELETE', '/connections/acme');
    expect(again).toMatchObject({ status: 404, body: { error: { code: 'not_found' } } });
    expect((await stack.api('GET', '/connections/acme')).status).toBe(404);
    expect((await stack.api('POST', '/connections/acme/sync', {})).status).toBe(404);
    await expect(client.deleteConnection('acme')).rejects.toBeInstanceOf(TributaryApiError);
  });

  it('a connection created again after its delete starts a fresh workflow and announces every record as added', async () => {
    expect((await stack.connectSalesforce('globex', { contacts: { frequency: '1h' } })).status).toBe(201);
    await synced('globex');
    const firstRun = (await stack.temporal.workflow.getHandle(stack.workflowId('globex')).describe()).runId;
    expect((await stack.api('DELETE', '/connections/globex')).status).toBe(200);

    stack.receiver.received.length = 0;
    expect((await stack.connectSalesforce('globex', { contacts: { frequency: '1h' } })).status).toBe(201);
    await synced('globex');
    const description = await stack.temporal.workflow.getHandle(stack.workflowId('globex')).describe();
    expect(description.runId).not.toBe(firstRun);
    expect(description.status.name).toBe('RUNNING');
    await stack.receiver.waitFor((received) => received.some((w) => w.event.type === 'sync' && w.event.connectionId === 'globex'));
    const event = stack.receiver.received.find((w) => w.event.type === 'sync')?.event;
    expect(event).toMatchObject({ connectionId: 'globex', added: 30, updated: 0, deleted: 0 });
  });

  it('when creates and deletes of one connection race, it ends either existing with its running workflow or not at all', async () => {
    for (let round = 0; round < 4; round++) {
      const answers = await Promise.all([
        stack.connectSalesforce('initech', { contacts: { frequency: '1h' } }),
        stack.api('DELETE', '/connections/initech'),
        stack.connectSalesforce('initech', { contacts: { frequency: '1h' } }),
        stack.api('DELETE', '/connections/initech'),
      ]);
      for (const answer of answers) expect([200, 201, 404, 409]).toContain(answer.status);
      const exists = (await stack.store.connections.find('initech')) !== null;
      const running = await workflowStatus('initech').then((status) => status === 'RUNNING', () => false);
      expect({ round, exists, running }).toEqual({ round, exists, running: exists });
    }
  });
});
