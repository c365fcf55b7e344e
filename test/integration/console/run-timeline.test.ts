// The event log as the console reads it, on the real database: a run's timeline (polled live), what a request event
// may hold (never a token, no query values), errors and waits with the provider's words, the logs search, and a
// record's history across runs.
import { createSyncRunActivities } from '../../../activities/sync-run-activities';
import { activityAttempt, activityDependencies } from '../../support/activity-harness';
import { startTestStack, type TestStack } from '../../support/test-stack';

const CONTACTS = 2500; // two pages of the provider's 2,000

describe('the event log of sync runs', () => {
  let stack: TestStack;
  const sync = () => createSyncRunActivities(activityDependencies(stack.store));
  const run = <A extends unknown[], R>(fn: (...args: A) => Promise<R>, ...args: A) => activityAttempt().run(fn, ...args);
  let ids: string[];

  beforeAll(async () => {
    // No worker: the test runs each run's activities itself, as the connection workflow would.
    stack = await startTestStack({ name: 'run-timeline', inProcessWorker: false });
    ids = stack.sandbox.seed('Contact', CONTACTS);
    expect((await stack.connectSalesforce('timeline', { contacts: { frequency: '1h' } })).status).toBe(201);
  });
  afterAll(() => stack?.close());

  const events = async (runId: string, after = 0) => stack.api('GET', `/connections/timeline/runs/${runId}/events?after=${after}`);

  it("tells a run's story in order, request by request and page by page, and polls with after", async () => {
    const activities = sync();
    await run(activities.beginSyncRun, { runId: 'first', connectionId: 'timeline', model: 'contacts', mode: 'incremental' });
    await run(activities.syncModelSlice, { runId: 'first' });
    await run(activities.finishSyncRun, { runId: 'first', nextRunAt: null });

    const { status, body } = await events('first');
    expect(status).toBe(200);
    expect(body.run).toMatchObject({ runId: 'first', status: 'succeeded', added: CONTACTS });
    const kinds = body.events.map((event: { kind: string }) => event.kind);
    expect(kinds[0]).toBe('mode');
    expect(kinds.at(-1)).toBe('finished');
    expect(kinds.filter((kind: string) => kind === 'page')).toHaveLength(2);
    const seqs = body.events.map((event: { seq: number }) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(body.events[0].message).toMatch(/from the start/);
    const pages = body.events.filter((event: { kind: string }) => event.kind === 'page');
    expect(pages.map((page: { data: { added: number } }) => page.data.added)).toEqual([2000, 500]);

    // The query's SOQL is a value that could carry customer data: only its name is kept. The next page's locator is in the path.
    const requests = body.events.filter((event: { kind: string }) => event.kind === 'request');
    const query = requests.find((event: { data: { path: string } }) => event.data.path.includes('/query'));
    expect(query.data).toMatchObject({ method: 'GET', status: 200, retries: 0, path: expect.stringMatching(/\/query(All)?\?q=…$/) });
    expect(typeof query.data.ms).toBe('number');
    expect(query.message).toMatch(/^GET \/services\/data\/v[\d.]+\/query(All)?\?q=… → 200 in \d+ ms$/);

    // Polling: after an event, only those after it; nothing new, the same nextAfter.
    const third = seqs[2];
    const later = await events('first', third);
    expect(later.body.events.map((event: { seq: number }) => event.seq)).toEqual(seqs.slice(3));
    expect(later.body.nextAfter).toBe(seqs.at(-1));
    const nothing = await events('first', seqs.at(-1));
    expect(nothing.body).toMatchObject({ events: [], nextAfter: seqs.at(-1) });
  });

  it('never holds a token, a client secret or a header value', async () => {
    const { credentials } = await stack.store.connections.readCredentials('timeline');
    const everything = JSON.stringify(await stack.store.events.collection.find({ connectionId: 'timeline' }).toArray());
    expect(everything.length).toBeGreaterThan(1000);
    for (const secret of [credentials.accessToken as string, credentials.refreshToken, 'sandbox-client-secret', 'Bearer ']) {
      expect({ secret: secret.slice(0, 6), found: everything.includes(secret) }).toEqual({ secret: secret.slice(0, 6), found: false });
    }
  });

  it("shows a running run's events before its end writes them, and its end once", async () => {
    const activities = sync();
    await run(activities.beginSyncRun, { runId: 'quiet', connectionId: 'timeline', model: 'contacts', mode: 'incremental' });
    await run(activities.syncModelSlice, { runId: 'quiet' });
    // A page that changed nothing waits for the run's end to be written; the timeline shows it meanwhile.
    expect(await stack.store.events.forRun('quiet', 0, 100)).toEqual([]);
    const running = await events('quiet');
    expect(running.body.run.status).toBe('running');
    const kinds = running.body.events.map((event: { kind: string }) => event.kind);
    // The field list (a describe, made once per worker process) and the query.
    expect(kinds).toEqual(['mode', ...kinds.slice(1, -1).map(() => 'request'), 'page']);
    expect(kinds.length).toBeGreaterThanOrEqual(3);

    await run(activities.finishSyncRun, { runId: 'quiet', nextRunAt: null });
    const ended = await events('quiet');
    expect(ended.body.events.map((event: { kind: string }) => event.kind)).toEqual([...kinds, 'finished']);
    expect(ended.body.events.slice(0, -1)).toEqual(running.body.events);
    // A repeated end activity stores nothing twice.
    await run(activities.finishSyncRun, { runId: 'quiet', nextRunAt: null });
    expect((await events('quiet')).body.events).toHaveLength(kinds.length + 1);
  });

  it("logs errors and rate-limit waits in the provider's words, and a failed run's end", async () => {
    const activities = sync();
    await run(activities.beginSyncRun, { runId: 'bumpy', connectionId: 'timeline', model: 'contacts', mode: 'incremental' });
    stack.sandbox.faults.serverErrors({ share: 1 });
    await expect(run(activities.syncModelSlice, { runId: 'bumpy' })).rejects.toThrow();
    stack.sandbox.faults.clear();
    stack.sandbox.faults.rateLimitStorm({ seconds: 60 });
    await expect(run(activities.syncModelSlice, { runId: 'bumpy' })).rejects.toThrow();
    stack.sandbox.faults.clear();
    await run(activities.failSyncRun, { runId: 'bumpy', code: 'ProviderRejected', message: 'given up for this test', nextRunAt: null });

    const { body } = await events('bumpy');
    const error = body.events.find((event: { kind: string }) => event.kind === 'error');
    expect(error).toMatchObject({ level: 'warn', data: { code: 'transient', status: 503 } });
    expect(error.message).toMatch(/503/);
    const wait = body.events.find((event: { kind: string }) => event.kind === 'wait');
    expect(wait).toMatchObject({ level: 'warn', data: { why: expect.stringMatching(/REQUEST_LIMIT_EXCEEDED|limit/i) } });
    expect(wait.data.ms).toBeGreaterThan(0);
    expect(Date.parse(wait.data.until)).toBeGreaterThan(Date.now() - 60_000);
    expect(body.events.at(-1)).toMatchObject({ kind: 'finished', level: 'error', data: { status: 'failed', error: { code: 'ProviderRejected', message: 'given up for this test' } } });
    // The failed request's answer is there too, with its status.
    expect(body.events.some((event: { kind: string; data: { status?: number } }) => event.kind === 'request' && event.data.status === 503)).toBe(true);
  });

  it("tells one record's history across runs: added, updated, deleted, each with its run", async () => {
    const [changed, removed, untouched] = [ids[0], ids[1], ids[2]];
    stack.sandbox.update('Contact', changed, { Title: 'Chief Timeline Officer' });
    stack.sandbox.delete('Contact', removed);
    const activities = sync();
    await run(activities.beginSyncRun, { runId: 'changes', connectionId: 'timeline', model: 'contacts', mode: 'incremental' });
    await run(activities.syncModelSlice, { runId: 'changes' });
    await run(activities.finishSyncRun, { runId: 'changes', nextRunAt: null });

    const history = async (id: string) => stack.api('GET', `/record-history?connectionId=timeline&model=contacts&id=${encodeURIComponent(id)}`);
    const updated = await history(changed);
    expect(updated.status).toBe(200);
    expect(updated.body.record).toMatchObject({ id: changed, action: 'updated', deletedAt: null, data: { Title: 'Chief Timeline Officer' } });
    expect(updated.body.history.map((change: { action: string; runId: string }) => [change.action, change.runId])).toEqual([
      ['updated', 'changes'],
      ['added', 'first'],
    ]);
    const deleted = await history(removed);
    expect(deleted.body.record).toMatchObject({ id: removed, action: 'deleted' });
    expect(deleted.body.record.deletedAt).not.toBeNull();
    expect(deleted.body.history.map((change: { action: string }) => change.action)).toEqual(['deleted', 'added']);
    expect((await history(untouched)).body.history.map((change: { action: string }) => change.action)).toEqual(['added']);

    expect((await history('003NEVERSEEN000AAA')).body).toEqual({ record: null, history: [] });
    expect((await stack.api('GET', `/record-history?connectionId=timeline&model=accounts&id=${changed}`)).status).toBe(404);
    expect((await stack.api('GET', `/record-history?connectionId=nobody&model=contacts&id=${changed}`)).status).toBe(404);
  });

  it('finds events by record id and by words, filters them, and pages newest first without losing one', async () => {
    const [changed] = ids;
    const byId = await stack.api('GET', `/logs?q=${changed}&window=1h`);
    expect(byId.status).toBe(200);
    expect(byId.body.events.map((event: { runId: string; kind: string }) => [event.kind, event.runId])).toEqual([
      ['page', 'changes'],
      ['page', 'first'],
    ]);
    const byWords = await stack.api('GET', '/logs?q=given%20UP%20for&connectionId=timeline');
    expect(byWords.body.events).toHaveLength(1);
    expect(byWords.body.events[0]).toMatchObject({ source: 'run', kind: 'finished', runId: 'bumpy', connectionId: 'timeline', integration: 'salesforce-sandbox', model: 'contacts' });
    const errors = await stack.api('GET', '/logs?level=error&connectionId=timeline');
    expect(errors.body.events.every((event: { level: string }) => event.level === 'error')).toBe(true);
    expect(errors.body.events.length).toBeGreaterThan(0);

    const all = await stack.api('GET', '/logs?connectionId=timeline&limit=200');
    const walked: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { body: { events: { seq: number; kind: string; runId: string }[]; nextCursor: string | null } } = await stack.api(
        'GET',
        `/logs?connectionId=timeline&limit=3${cursor ? `&cursor=${cursor}` : ''}`,
      );
      walked.push(...page.body.events.map((event) => `${event.seq}`));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(walked).toEqual(all.body.events.map((event: { seq: number }) => `${event.seq}`));
    const seqs = all.body.events.map((event: { seq: number }) => event.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
    // The connection's own events (created) are in the same stream.
    expect(all.body.events.at(-1)).toMatchObject({ source: 'connection', kind: 'created' });

    expect((await stack.api('GET', '/logs?cursor=not-a-cursor')).body.error.fields).toEqual([expect.objectContaining({ field: 'query.cursor' })]);
    expect((await stack.api('GET', '/logs?level=loud')).status).toBe(400);
  });
});
