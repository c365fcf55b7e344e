// The read endpoints the console is built on, on the real stack: the connections page (problems first, filters,
// search, cursor), the overview, integrations with their counts, a connection's actions and workflow link, the log of
// what the API did, and redelivering a webhook that failed.
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const XSS = '<img src=x onerror=alert(1)>';

describe('the console API', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'console-api' });
    stack.sandbox.seed('Contact', 5);
    expect((await stack.connectSalesforce('acme', { contacts: { frequency: '1h' } })).status).toBe(201);
    await eventually(
      async () => ((await stack.api('GET', '/connections/acme')).body.syncs.contacts.lastRun?.status === 'succeeded' ? true : null),
      { timeoutMs: 60_000, what: "acme's first run" },
    );
    await stack.receiver.waitFor((received) => received.length > 0);
    // Connections in every state a list tells apart, stored directly (no workflow: only the list reads them).
    const seed = async (connectionId: string, change: () => Promise<unknown> = async () => undefined) => {
      await stack.store.connections.create({
        connectionId,
        integration: 'salesforce-sandbox',
        provider: 'salesforce',
        providerAccountId: `00D${connectionId.toUpperCase()}`,
        credentials: { refreshToken: 'r', accessToken: null, instanceUrl: null },
        syncs: { contacts: { frequency: '1h', frequencyMs: 3_600_000 } },
      });
      await change();
    };
    await seed('a-revoked', () => stack.store.connections.setStatus('a-revoked', 'auth_error', 'invalid_grant: expired'));
    await seed('b-flaky', () => stack.store.connections.setStatus('b-flaky', 'degraded', 'token endpoint answered 503'));
    await seed('c-waiting', () => stack.store.connections.setStatus('c-waiting', 'rate_limited', 'daily limit', new Date(Date.now() + 60_000)));
    await seed('d-paused', () => stack.store.connections.update('d-paused', { paused: true }));
    await seed('e-failing', () => stack.store.connections.recordRunFailed('e-failing', 'contacts', null));
    await seed('f-tagged', () => stack.store.connections.update('f-tagged', { metadata: { customer: 'Globex Corporation', note: XSS } }));
    await seed('z-stuck', () =>
      stack.store.connections.setHealth('z-stuck', { state: 'stuck', cause: 'workflow_task_failing', reason: 'release broke replay', since: new Date(), checkedAt: new Date() }),
    );
  }, 120_000);
  afterAll(() => stack?.close());

  const ids = (body: { connections: { connectionId: string }[] }) => body.connections.map((connection) => connection.connectionId);
  /** The list's order and filters come from the API's directory of connections, refreshed every couple of seconds. */
  const listed = (query: string, expected: (connectionIds: string[]) => boolean) =>
    eventually(
      async () => {
        const { status, body } = await stack.api('GET', `/connections${query}`);
        expect(status).toBe(200);
        return expected(ids(body)) ? body : null;
      },
      { timeoutMs: 15_000, what: `GET /connections${query}` },
    );

  it('lists problems first (stuck, auth_error, degraded, rate_limited, paused), then by id', async () => {
    const body = await listed('', (connectionIds) => connectionIds.length === 8);
    expect(ids(body)).toEqual(['z-stuck', 'a-revoked', 'b-flaky', 'c-waiting', 'd-paused', 'acme', 'e-failing', 'f-tagged']);
    expect(body.nextCursor).toBeNull();
    expect(body.connections[0].health).toMatchObject({ state: 'stuck', cause: 'workflow_task_failing' });
    // Each row is a whole connection view, with the model's last run and next run.
    const row = body.connections.find((connection: { connectionId: string }) => connection.connectionId === 'acme');
    expect(row.syncs.contacts).toMatchObject({ lastRun: { status: 'succeeded' }, nextRunAt: expect.any(String) });
    // Kept on the connection with the run's end, the list's last run is the run itself, as the connection's own view shows it.
    expect(row.syncs.contacts.lastRun).toEqual((await stack.api('GET', '/connections/acme')).body.syncs.contacts.lastRun);
  });

  it('filters by status, health, failing, integration and provider, and searches ids, account ids and metadata values', async () => {
    await listed('', (connectionIds) => connectionIds.length === 8);
    const get = async (query: string) => ids((await stack.api('GET', `/connections${query}`)).body);
    expect(await get('?status=auth_error')).toEqual(['a-revoked']);
    expect(await get('?status=paused')).toEqual(['d-paused']);
    expect(await get('?health=stuck')).toEqual(['z-stuck']);
    expect(await get('?failing=true')).toEqual(['e-failing']);
    expect(await get('?provider=hubspot')).toEqual([]);
    expect((await get('?integration=salesforce-sandbox&provider=salesforce')).length).toBe(8);
    expect(await get('?q=GLOBEX')).toEqual(['f-tagged']);
    expect(await get('?q=00DB-FLAKY')).toEqual(['b-flaky']);
    expect(await get('?q=revok')).toEqual(['a-revoked']);
    // What a customer wrote is data: returned as the same text, for the console to show as text.
    const tagged = (await stack.api('GET', '/connections?q=globex')).body.connections[0];
    expect(tagged.metadata.note).toBe(XSS);
  });

  it('pages with a cursor, every connection exactly once in order, and refuses bad paging input', async () => {
    const all = ids(await listed('', (connectionIds) => connectionIds.length === 8));
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { connections: { connectionId: string }[]; nextCursor: string | null } } = await stack.api('GET', `/connections?limit=3${cursor ? `&cursor=${cursor}` : ''}`);
      expect(page.body.connections.length).toBeLessThanOrEqual(3);
      walked.push(...ids(page.body));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all);
    expect((await stack.api('GET', '/connections?limit=101')).body.error.fields).toEqual([expect.objectContaining({ field: 'query.limit' })]);
    expect((await stack.api('GET', '/connections?cursor=nope')).body.error.fields).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
  });

  it('sums up the overview: connections by status and health, the problems, runs and records per hour', async () => {
    await listed('', (connectionIds) => connectionIds.length === 8);
    const { status, body } = await stack.api('GET', '/stats/overview?hours=3');
    expect(status).toBe(200);
    expect(body.connections).toEqual({
      total: 8,
      byStatus: { active: 4, rate_limited: 1, degraded: 1, auth_error: 1, paused: 1 },
      byHealth: { ok: 0, stuck: 1, unknown: 7 },
    });
    expect(body.problems.map((problem: { connectionId: string }) => problem.connectionId)).toEqual(['z-stuck', 'a-revoked', 'b-flaky', 'c-waiting']);
    expect(body.problems[1]).toEqual({ connectionId: 'a-revoked', integration: 'salesforce-sandbox', status: 'auth_error', statusReason: 'invalid_grant: expired', health: 'unknown' });
    expect(body.runs.byHour).toHaveLength(3);
    const runs = body.runs.byHour.reduce((sum: number, hour: { succeeded: number }) => sum + hour.succeeded, 0);
    const added = body.recordsChanged.byHour.reduce((sum: number, hour: { added: number }) => sum + hour.added, 0);
    expect(runs).toBeGreaterThanOrEqual(1);
    expect(added).toBeGreaterThanOrEqual(5);
    expect((await stack.api('GET', '/stats/overview?hours=0')).status).toBe(400);
  });

  it('lists integrations with their connection count and the callback URL to register', async () => {
    await listed('', (connectionIds) => connectionIds.length === 8);
    const { body } = await stack.api('GET', '/integrations');
    expect(body.integrations).toEqual([expect.objectContaining({ key: 'salesforce-sandbox', connectionCount: 8, callbackUrl: `${stack.apiUrl}/oauth/callback` })]);
  });

  it("links a connection to its workflow in the Temporal UI", async () => {
    const { body } = await stack.api('GET', '/connections/acme');
    expect(body.workflowId).toBe(stack.workflowId('acme'));
    expect(body.temporalUiUrl).toBe(`http://127.0.0.1:8233/namespaces/default/workflows/${encodeURIComponent(stack.workflowId('acme'))}`);
  });

  it("lists a connection's actions, newest first, and logs their story", async () => {
    for (const [key, lastName] of [['first', 'One'], ['second', 'Two']]) {
      const done = await stack.api('POST', '/connections/acme/actions/create-contact', { lastName }, { 'idempotency-key': key });
      expect(done.status).toBe(200);
    }
    const { status, body } = await stack.api('GET', '/connections/acme/actions?limit=5');
    expect(status).toBe(200);
    expect(body.actions).toHaveLength(2);
    expect(body.actions[0]).toEqual({
      actionId: expect.stringMatching(/^act_/),
      name: 'create-contact',
      status: 'succeeded',
      startedAt: expect.any(String),
      finishedAt: expect.any(String),
      error: null,
      output: { id: expect.stringMatching(/^003/) },
    });
    expect(Date.parse(body.actions[0].startedAt)).toBeGreaterThanOrEqual(Date.parse(body.actions[1].startedAt));
    const story = await stack.api('GET', `/logs?connectionId=acme&window=1h&limit=200`);
    const ofAction = story.body.events.filter((event: { actionId: string | null; source: string }) => event.source === 'action' && event.actionId === body.actions[0].actionId);
    expect(ofAction.map((event: { kind: string }) => event.kind)).toEqual(['outcome', 'answer', 'started']);
    expect((await stack.api('GET', '/connections/nobody/actions')).status).toBe(404);
  });

  it('logs what the API did to a connection, and who asked', async () => {
    expect((await stack.api('PATCH', '/connections/acme', { paused: true })).status).toBe(200);
    expect((await stack.api('PATCH', '/connections/acme', { paused: false, metadata: { plan: 'gold' } })).status).toBe(200);
    const { body } = await stack.api('GET', '/logs?connectionId=acme&window=1h&limit=200');
    const said = body.events.filter((event: { source: string }) => event.source === 'connection').map((event: { kind: string; data: { by?: string } }) => [event.kind, event.data.by ?? null]);
    expect(said.slice(0, 3)).toEqual([
      ['changed', 'test'],
      ['resumed', 'test'],
      ['paused', 'test'],
    ]);
    expect(said.at(-1)).toEqual(['created', 'test']);
  });

  it("sends a webhook that failed for good again, once the receiver is fixed, and it stops counting as failing", async () => {
    stack.receiver.failWith = 500;
    stack.sandbox.seed('Contact', 1);
    expect((await stack.api('POST', '/connections/acme/sync', { models: ['contacts'] })).status).toBe(202);
    const failing = await eventually(
      async () => {
        const { body } = await stack.api('GET', '/stats/overview?hours=1');
        // The sync event of this run (an action's webhook from before may be failing too, meanwhile).
        return body.failingDeliveries.recent.find((delivery: { type: string }) => delivery.type === 'sync') ?? null;
      },
      { timeoutMs: 60_000, what: 'a failing delivery on the overview' },
    );
    expect(failing).toMatchObject({ connectionId: 'acme', type: 'sync', status: 500, error: 'receiver answered HTTP 500' });
    // It gave up (as after TRIBUTARY_WEBHOOK_RETRY_HOURS): only a redelivery sends it now.
    await stack.temporal.workflow.getHandle(`webhook:${failing.eventId}`).terminate('given up, for the test');
    stack.receiver.failWith = null;
    const before = stack.receiver.received.filter((received) => received.event.id === failing.eventId).length;

    const redelivered = await stack.api('POST', `/connections/acme/webhook-deliveries/${encodeURIComponent(failing.eventId)}/redeliver`);
    expect(redelivered).toEqual({ status: 202, body: { eventId: failing.eventId, redelivering: true } });
    await stack.receiver.waitFor((received) => received.filter((r) => r.event.id === failing.eventId).length > before);
    const arrived = stack.receiver.received.filter((received) => received.event.id === failing.eventId).at(-1);
    expect(arrived).toMatchObject({ signatureValid: true, idempotencyKey: failing.eventId, event: { id: failing.eventId, type: 'sync' } });
    const stillFailing = async () => (await stack.api('GET', '/stats/overview?hours=1')).body.failingDeliveries.recent.map((delivery: { eventId: string }) => delivery.eventId);
    await eventually(async () => (!(await stillFailing()).includes(failing.eventId) ? true : null), {
      timeoutMs: 15_000,
      what: 'no failing delivery once redelivered',
    });
    const attempts = (await stack.api('GET', '/logs?connectionId=acme&kind=attempt&window=1h')).body.events.filter((event: { eventId: string }) => event.eventId === failing.eventId);
    expect(attempts[0]).toMatchObject({ source: 'delivery', level: 'info', data: { redelivery: true, status: 204 } });

    expect((await stack.api('POST', '/connections/acme/webhook-deliveries/never-sent/redeliver')).status).toBe(404);
    await stack.store.webhookDeliveries.record({ eventId: 'from-before', type: 'sync', connectionId: 'acme', attempt: 1, status: 500, error: 'x', attemptedAt: new Date() });
    expect((await stack.api('POST', '/connections/acme/webhook-deliveries/from-before/redeliver')).status).toBe(409);
  }, 120_000);
});
