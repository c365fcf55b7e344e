// Pipedrive webhooks (v2) on the real stack, registered at the sandbox company with the URL and HTTP Basic credentials
// the integration's own view shows: a change is synced within seconds (schedules at an hour), deletes and merges reach
// the changes feed exactly although the lists never show them, a delete report for a person Pipedrive still has deletes
// nothing, wrong credentials change nothing, the credentials rotate with a grace period and never reach a log line, and
// a delete whose webhook was lost is found by the scheduled full read.
import { randomUUID } from 'node:crypto';
import { ProviderCatalog, providerCatalog } from '../../../providers/catalog';
import { pipedrive } from '../../../providers/pipedrive/pipedrive.provider';
import { readWholeFeed, storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startLoggedApi } from '../../support/logged-api';
import { PIPEDRIVE_INTEGRATION, startPipedriveStack, type PipedriveStack } from '../../support/pipedrive-stack';

/** A support engineer's key: it reads everything but secrets. */
const READ_KEY = `read-${randomUUID()}`;
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/** Where the feed ends now: a cursor that reads only later changes. */
async function feedEnd(stack: PipedriveStack, connectionId: string, model: string): Promise<string> {
  let cursor: string | undefined;
  for (;;) {
    const page = await stack.api('GET', `/records?${new URLSearchParams({ connectionId, model, limit: '500', ...(cursor ? { cursor } : {}) })}`);
    cursor = page.body.nextCursor as string;
    if (!page.body.hasMore) return cursor;
  }
}

async function expectStoreEqualsTruth(stack: PipedriveStack, connectionId: string, object: 'persons' | 'organizations'): Promise<void> {
  const stored = await storedLiveRecords(stack, connectionId, object);
  const truth = stack.pipedrive.records(object);
  expect([...stored.keys()].sort()).toEqual(truth.map((item) => String(item.id)).sort());
  for (const item of truth) expect(stored.get(String(item.id))).toEqual({ ...item, custom_fields: {} });
}

describe('Pipedrive webhooks', () => {
  let stack: PipedriveStack;
  let hookUrl: string;
  let password: string;
  beforeAll(async () => {
    stack = await startPipedriveStack({
      name: 'pipedrive-webhooks',
      providerWebhooks: { coalesceWindowMs: 300, maxCoalesceWindowMs: 2000 },
      extraSecretKeys: [{ name: 'support', key: READ_KEY, scope: 'read' }],
    });
    stack.pipedrive.seed('organizations', 20);
    stack.pipedrive.seed('persons', 60);
    expect((await stack.connectPipedrive('pd', { persons: { frequency: '1h' }, organizations: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'pd', 'persons', null);
    await waitForRunAfter(stack, 'pd', 'organizations', null);
  });
  afterAll(() => stack?.close());

  const deliver = (body: unknown, authorization?: string) =>
    fetch(hookUrl, { method: 'POST', headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) }, body: JSON.stringify(body) });
  /** A v2 event as Pipedrive sends it. */
  const event = (action: 'create' | 'change' | 'delete', entityId: number, data: unknown = null) => ({
    meta: {
      action,
      entity: 'person',
      entity_id: String(entityId),
      id: randomUUID(),
      company_id: String(stack.pipedrive.companies[0].id),
      version: '2.0',
      attempt: 1,
      timestamp: new Date().toISOString(),
      change_source: 'api',
    },
    data,
    previous: null,
  });
  const lastRunId = async (model: string) => (await stack.api('GET', '/connections/pd')).body.syncs[model].lastRun.runId as string;

  it('shows the URL and the HTTP Basic credentials to register on the integration alone to an admin key, never in the list nor to a read key', async () => {
    const view = (await stack.api('GET', `/integrations/${PIPEDRIVE_INTEGRATION}`)).body.providerWebhook;
    expect(view).toEqual({
      url: `${stack.apiUrl}/provider-webhooks/${PIPEDRIVE_INTEGRATION}`,
      previousUrlValidUntil: null,
      credentials: { kind: 'http-basic', username: 'tributary', password: expect.stringMatching(/^[\w-]{43}$/), previousValidUntil: null },
    });
    hookUrl = view.url;
    password = view.credentials.password;
    const list = await stack.api('GET', '/integrations');
    expect(JSON.stringify(list.body)).not.toContain(password);
    const asReader = await fetch(`${stack.apiUrl}/integrations/${PIPEDRIVE_INTEGRATION}`, { headers: { authorization: `Bearer ${READ_KEY}` } });
    const read = (await asReader.json()) as { providerWebhook: unknown };
    expect([asReader.status, read.providerWebhook]).toEqual([200, { url: null, previousUrlValidUntil: null, credentials: null }]);
    expect(JSON.stringify(read)).not.toContain(password);
  });

  it('a change at Pipedrive is in the records API within seconds, without waiting for the hourly schedule', async () => {
    await stack.registerPipedriveWebhook('person');
    await stack.registerPipedriveWebhook('organization');
    const before = await lastRunId('persons');
    const [person] = stack.pipedrive.records('persons');
    stack.pipedrive.update('persons', person.id, { name: 'Changed By Webhook' });
    const run = await waitForRunAfter(stack, 'pd', 'persons', before, 30_000);
    expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', updated: 1 });
    expect((await storedLiveRecords(stack, 'pd', 'persons')).get(String(person.id))).toMatchObject({ name: 'Changed By Webhook' });
  });

  it('creates, updates, deletes and a merge reach the changes feed exactly, however the deliveries repeat or reorder', async () => {
    const personsCursor = await feedEnd(stack, 'pd', 'persons');
    const organizationsCursor = await feedEnd(stack, 'pd', 'organizations');
    stack.pipedrive.faults.webhookDuplicates({ share: 0.5 });
    stack.pipedrive.faults.webhookOutOfOrder({ maxDelayMs: 300 });
    const persons = stack.pipedrive.records('persons');
    const organizations = stack.pipedrive.records('organizations');
    const created = stack.pipedrive.create('persons', { name: 'Brand New', emails: [{ value: 'brand.new@example.com', primary: true }] });
    stack.pipedrive.update('persons', persons[1].id, { name: 'Updated One' });
    stack.pipedrive.delete('persons', persons[2].id);
    stack.pipedrive.delete('persons', persons[3].id);
    // persons[4] is merged into persons[5]: a delete of the one and a change of the other.
    stack.pipedrive.merge('persons', persons[4].id, persons[5].id);
    stack.pipedrive.delete('organizations', organizations[0].id);

    await eventually(async () => (await storedLiveRecords(stack, 'pd', 'persons')).size === stack.pipedrive.records('persons').length && (await storedLiveRecords(stack, 'pd', 'organizations')).size === organizations.length - 1, {
      timeoutMs: 30_000,
      what: 'the deletes in the store',
    });
    await stack.pipedrive.webhooksFlushed();
    stack.pipedrive.faults.clear();
    await eventually(async () => (await stack.api('GET', '/connections/pd')).body.syncs.persons.lastRun.status === 'succeeded', { what: 'the last run to end' });
    await expectStoreEqualsTruth(stack, 'pd', 'persons');
    await expectStoreEqualsTruth(stack, 'pd', 'organizations');

    const feed = await readWholeFeed(stack, 'pd', 'persons', personsCursor, 100);
    expect(Object.fromEntries(feed.map((change) => [change.id, change.action]))).toEqual({
      [created.id]: 'added',
      [persons[1].id]: 'updated',
      [persons[2].id]: 'deleted',
      [persons[3].id]: 'deleted',
      [persons[4].id]: 'deleted',
      [persons[5].id]: 'updated',
    });
    // Each change once, however often its webhook arrived.
    expect(feed).toHaveLength(6);
    const organizationFeed = await readWholeFeed(stack, 'pd', 'organizations', organizationsCursor, 100);
    expect(organizationFeed.map((change) => [change.id, change.action])).toEqual([[String(organizations[0].id), 'deleted']]);
    // The deletes are applied: nothing reported is left waiting.
    expect(await stack.database.db.collection('reported_deletes').countDocuments({ connectionId: 'pd' })).toBe(0);
  });

  it('a delete report for a person Pipedrive still has deletes nothing: the run asks Pipedrive first', async () => {
    const [alive] = stack.pipedrive.records('persons');
    const before = await lastRunId('persons');
    const answer = await deliver(event('delete', alive.id), basic('tributary', password));
    expect(answer.status).toBe(200);
    const kept = 'webhooks reported 1 deletes; the provider still has 1 of them, kept';
    const logOf = async (runId: string): Promise<string[]> =>
      (await stack.api('GET', `/connections/pd/runs/${encodeURIComponent(runId)}`)).body.log.map((entry: { message: string }) => entry.message);
    // The previous test's notifications may still end their window with one more run, begun before this report was
    // stored: the report is then read by the run after that one.
    let run = await waitForRunAfter(stack, 'pd', 'persons', before, 30_000);
    if (!(await logOf(run.runId)).includes(kept)) run = await waitForRunAfter(stack, 'pd', 'persons', run.runId, 30_000);
    expect(run).toMatchObject({ status: 'succeeded', deleted: 0 });
    expect((await storedLiveRecords(stack, 'pd', 'persons')).has(String(alive.id))).toBe(true);
    expect(await logOf(run.runId)).toContain(kept);
    expect(await stack.database.db.collection('reported_deletes').countDocuments({ connectionId: 'pd' })).toBe(0);
  });

  it('refuses deliveries without the integration\'s credentials (401), and keeps and starts nothing', async () => {
    const [person] = stack.pipedrive.records('persons');
    const before = await lastRunId('persons');
    const attempts = [undefined, basic('tributary', 'x'.repeat(43)), basic('admin', password), `Bearer ${password}`];
    for (const authorization of attempts) {
      const answer = await deliver(event('delete', person.id), authorization);
      expect(answer.status).toBe(401);
      expect(await answer.text()).not.toContain(password);
    }
    expect(await stack.database.db.collection('reported_deletes').countDocuments({ connectionId: 'pd' })).toBe(0);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(await lastRunId('persons')).toBe(before);
  });

  it('rotates the credentials: the new password at once, the old one through the grace period, and not at all after a rotation without one', async () => {
    const [person] = stack.pipedrive.records('persons');
    const change = () => event('change', person.id, { id: person.id });
    const first = password;
    const rotated = await stack.api('PATCH', `/integrations/${PIPEDRIVE_INTEGRATION}`, { rotateWebhookUrl: true, webhookUrlGraceHours: 24 });
    expect(rotated.status).toBe(200);
    const second = rotated.body.providerWebhook.credentials.password as string;
    expect(second).not.toBe(first);
    expect(rotated.body.providerWebhook.url).toBe(hookUrl);
    expect(Math.abs(Date.parse(rotated.body.providerWebhook.credentials.previousValidUntil) - (Date.now() + 24 * 3_600_000))).toBeLessThan(60_000);
    expect((await stack.api('GET', `/integrations/${PIPEDRIVE_INTEGRATION}`)).body.providerWebhook.credentials.password).toBe(second);
    expect((await deliver(change(), basic('tributary', second))).status).toBe(200);
    // Companies whose webhook still has the old password keep working until they are changed.
    expect((await deliver(change(), basic('tributary', first))).status).toBe(200);

    // A leaked password: rotate with no grace, and only the newest is accepted.
    const revoked = await stack.api('PATCH', `/integrations/${PIPEDRIVE_INTEGRATION}`, { rotateWebhookUrl: true, webhookUrlGraceHours: 0 });
    const third = revoked.body.providerWebhook.credentials.password as string;
    expect(revoked.body.providerWebhook.credentials.previousValidUntil).toBeNull();
    for (const old of [first, second]) expect((await deliver(change(), basic('tributary', old))).status).toBe(401);
    expect((await deliver(change(), basic('tributary', third))).status).toBe(200);
    password = third;
  });

  it('never writes the credentials to a log line: not the view, not a rotation, not a delivery right or wrong', async () => {
    const api = await startLoggedApi(stack, 'log-test-secret-key-0123456789abcdef');
    const { lines } = api;
    try {
      const base = api.url;
      const admin = { authorization: 'Bearer log-test-secret-key-0123456789abcdef', 'content-type': 'application/json' };
      const viewed = await (await fetch(`${base}/integrations/${PIPEDRIVE_INTEGRATION}`, { headers: admin })).json() as { providerWebhook: { credentials: { password: string } } };
      const rotated = await (await fetch(`${base}/integrations/${PIPEDRIVE_INTEGRATION}`, { method: 'PATCH', headers: admin, body: JSON.stringify({ rotateWebhookUrl: true }) })).json() as {
        providerWebhook: { credentials: { password: string } };
      };
      const secrets = [viewed.providerWebhook.credentials.password, rotated.providerWebhook.credentials.password];
      const hook = `${base}/provider-webhooks/${PIPEDRIVE_INTEGRATION}`;
      const [person] = stack.pipedrive.records('persons');
      const post = (body: string, authorization: string) => fetch(hook, { method: 'POST', headers: { 'content-type': 'application/json', authorization }, body });
      expect((await post(JSON.stringify(event('change', person.id)), basic('tributary', secrets[1]))).status).toBe(200);
      expect((await post(JSON.stringify(event('change', person.id)), basic('tributary', `${secrets[1]}x`))).status).toBe(401);
      expect((await post('{"meta": ', basic('tributary', secrets[1]))).status).toBe(400);
      await eventually(() => lines.filter((line) => line.includes('"route":"/provider-webhooks/:integration"')).length >= 3, { what: 'the request log lines' });
      expect(lines.length).toBeGreaterThan(0);
      for (const secret of secrets) expect(lines.filter((line) => line.includes(secret))).toEqual([]);
      password = secrets[1];
    } finally {
      await api.close();
    }
  });
});

describe('a Pipedrive delete whose webhook was lost', () => {
  let stack: PipedriveStack;
  beforeAll(async () => {
    // The persons sync as shipped, but reading everything every 3 seconds instead of every day.
    const [persons, ...others] = pipedrive.syncs;
    const catalog = new ProviderCatalog([...providerCatalog.keys().filter((key) => key !== 'pipedrive').map((key) => providerCatalog.get(key)), { ...pipedrive, syncs: [{ ...persons, fullResyncEvery: '3s' }, ...others] }]);
    stack = await startPipedriveStack({ name: 'pipedrive-reconcile', catalog });
    stack.pipedrive.seed('persons', 30);
  });
  afterAll(() => stack?.close());

  it('is found by the scheduled full read, which says why it read everything', async () => {
    expect((await stack.connectPipedrive('lost', { persons: { frequency: '1s' } })).status).toBe(201);
    const first = await waitForRunAfter(stack, 'lost', 'persons', null);
    expect(first).toMatchObject({ status: 'succeeded', added: 30 });
    const [gone] = stack.pipedrive.records('persons');
    stack.pipedrive.delete('persons', gone.id);
    const deleting = await eventually(async () => {
      const runs = (await stack.api('GET', '/connections/lost/runs?model=persons&limit=100')).body.runs as { deleted: number; mode: string; fullReason: string | null }[];
      return runs.find((run) => run.deleted > 0) ?? null;
    }, { timeoutMs: 30_000, what: 'a run that deleted the person' });
    expect(deleting).toMatchObject({ mode: 'full', deleted: 1, fullReason: 'scheduled every 3s: finds deletes the provider does not report' });
    const stored = await storedLiveRecords(stack, 'lost', 'persons');
    expect([stored.size, stored.has(String(gone.id))]).toEqual([29, false]);
  });
});
