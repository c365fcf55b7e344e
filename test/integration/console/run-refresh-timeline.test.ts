// A real run's timeline on the whole stack (workflow, worker, sandbox): the provider refuses the access token mid-paging,
// the workflow refreshes it and the run goes on; its log tells each step (the refused request, the error, the refresh,
// the pages after it, the end), and holds no token, no header and no record body.
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const CONTACTS = 4500; // three pages of the provider's 2,000: the second queryMore is the one refused

interface TimelineEvent {
  seq: number;
  kind: string;
  level: string;
  message: string;
  data: Record<string, unknown>;
}

describe("a real run's timeline when its token is refused mid-run", () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'run-refresh-timeline' });
    stack.sandbox.seed('Contact', CONTACTS);
  }, 60_000);
  afterAll(() => stack?.close());

  it('logs the refused request, the error, the refresh and the pages after it, in order, without a secret', async () => {
    // The first run's second next-page call answers 401 INVALID_SESSION_ID, once.
    stack.sandbox.faults.invalidSessionMidPaging({ afterPages: 2 });
    expect((await stack.connectSalesforce('refreshed', { contacts: { frequency: '1h' } })).status).toBe(201);
    const lastRun = await eventually(
      async () => {
        const run = (await stack.api('GET', '/connections/refreshed')).body.syncs.contacts.lastRun;
        return run && run.status !== 'running' ? run : null;
      },
      { timeoutMs: 90_000, what: 'the first run to end' },
    );
    expect(lastRun).toMatchObject({ status: 'succeeded', added: CONTACTS });

    const { status, body } = await stack.api('GET', `/connections/refreshed/runs/${lastRun.runId}/events?limit=500`);
    expect(status).toBe(200);
    const events = body.events as TimelineEvent[];
    const kinds = events.map((event) => event.kind);
    const at = (predicate: (event: TimelineEvent) => boolean, what: string) => {
      const index = events.findIndex(predicate);
      expect({ what, found: index >= 0 }).toEqual({ what, found: true });
      return index;
    };

    const refused = at((event) => event.kind === 'request' && event.data.status === 401, 'the refused request');
    expect(events[refused]).toMatchObject({ level: 'warn', data: { method: 'GET', retries: 0 } });
    expect(events[refused].data.path).toMatch(/^\/services\/data\/v[\d.]+\/query\/[^?]+$/);
    const error = at((event) => event.kind === 'error', 'the error');
    expect(events[error]).toMatchObject({ data: { code: 'auth_expired', status: 401 } });
    // The provider's own words, as it gave them.
    expect(events[error].message).toMatch(/Session expired or invalid/);
    const refresh = at((event) => event.kind === 'refresh', 'the refresh');
    expect(events[refresh]).toMatchObject({ level: 'info', data: { outcome: 'refreshed' } });
    const pagesAfter = events.slice(refresh).filter((event) => event.kind === 'page');
    expect(pagesAfter.length).toBeGreaterThan(0);
    expect(refused).toBeLessThan(error);
    expect(error).toBeLessThan(refresh);

    expect(kinds[0]).toBe('mode');
    // The run's end, then only its sync webhook's delivery attempts (they name the run), whenever those come.
    const finished = at((event) => event.kind === 'finished', 'the run\'s end');
    expect(events[finished]).toMatchObject({ level: 'info', data: { status: 'succeeded', added: CONTACTS } });
    expect(kinds.slice(finished + 1).every((kind) => kind === 'attempt')).toBe(true);
    const added = events.filter((event) => event.kind === 'page').reduce((sum, event) => sum + Number(event.data.added), 0);
    expect(added).toBe(CONTACTS);

    // The connection's log has the refresh too, and no event anywhere holds a token, a header or a record's values.
    const logs = await stack.api('GET', '/logs?connectionId=refreshed&kind=refresh&window=1h');
    expect(logs.body.events.map((event: { source: string }) => event.source).sort()).toEqual(['connection', 'run']);
    const { credentials } = await stack.store.connections.readCredentials('refreshed');
    const stored = JSON.stringify(await stack.store.events.collection.find({ connectionId: 'refreshed' }).toArray());
    for (const secret of [credentials.accessToken as string, credentials.refreshToken, 'sandbox-client-secret', 'Bearer ', 'authorization']) {
      expect({ secret: secret.slice(0, 6), found: stored.includes(secret) }).toEqual({ secret: secret.slice(0, 6), found: false });
    }
    const record = (await stack.api('GET', '/records?connectionId=refreshed&model=contacts&limit=1')).body.records[0];
    expect(typeof record.data.Email).toBe('string');
    expect(stored.includes(record.data.Email)).toBe(false);
  }, 120_000);
});
