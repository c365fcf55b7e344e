import { startPipedriveSandbox, type PipedriveSandbox } from '../../../sandbox/pipedrive/server';
import { basicAuth, pdApi, startWebhookInbox, type WebhookInbox } from './pipedrive-client';

describe('Pipedrive sandbox webhooks v2', () => {
  let sandbox: PipedriveSandbox;
  let inbox: WebhookInbox;
  let api: string;
  let token: string;
  beforeEach(async () => {
    sandbox = await startPipedriveSandbox({ webhookTimeScale: 0.001, burstLimit: 0 });
    inbox = await startWebhookInbox();
    const grant = sandbox.issueGrant();
    api = grant.apiDomain;
    token = grant.accessToken;
  });
  afterEach(async () => {
    await sandbox.close();
    await inbox.close();
  });

  const register = (body: Record<string, unknown> = {}) =>
    pdApi(api, 'POST', '/api/v1/webhooks', token, { subscription_url: inbox.url, event_action: '*', event_object: 'person', http_auth_user: 'tributary', http_auth_password: 's3cret', version: '2.0', ...body });

  it('registers a v2 webhook and delivers {meta, data, previous} with the chosen Basic credentials', async () => {
    const registered = await register();
    expect(registered.status).toBe(201);
    expect(registered.body).toMatchObject({ success: true, data: { id: expect.any(Number), event_action: '*', event_object: 'person', version: '2.0', http_auth_user: 'tributary', type: 'application' } });
    expect(registered.text).not.toContain('s3cret');

    const created = await pdApi(api, 'POST', '/api/v2/persons', token, { name: 'Ada Lovelace', emails: [{ value: 'ada@example.com' }] });
    const id = created.body.data.id as number;
    await pdApi(api, 'PATCH', `/api/v2/persons/${id}`, token, { name: 'Ada King' });
    await pdApi(api, 'DELETE', `/api/v2/persons/${id}`, token);
    sandbox.create('organizations', { name: 'Not subscribed' });
    await sandbox.webhooksFlushed();

    expect(inbox.deliveries).toHaveLength(3);
    for (const delivery of inbox.deliveries) expect(delivery.authorization).toBe(basicAuth('tributary', 's3cret'));
    // Each event is its own POST, so they may arrive in any order.
    const byAction = (action: string) => inbox.deliveries.find((delivery) => delivery.body.meta.action === action)?.body;
    const [create, change, remove] = [byAction('create'), byAction('change'), byAction('delete')];
    expect(create.meta).toMatchObject({ action: 'create', entity: 'person', entity_id: String(id), version: '2.0', attempt: 1, change_source: 'api', webhook_id: String(registered.body.data.id), company_id: String(sandbox.companies[0].id) });
    expect(create.data).toEqual(created.body.data);
    expect(create.previous).toBeNull();
    expect(change.data).toMatchObject({ id, name: 'Ada King', first_name: 'Ada', last_name: 'King' });
    expect(change.previous).toEqual({ name: 'Ada Lovelace', last_name: 'Lovelace' });
    expect(remove.meta.action).toBe('delete');
    expect(remove.data).toBeNull();
    expect(remove.previous).toMatchObject({ id, name: 'Ada King' });
    expect(new Set(inbox.deliveries.map((delivery) => delivery.body.meta.id)).size).toBe(3);
  });

  it('announces a merge as a delete of the merged person (merged_to_id) and a change of the survivor', async () => {
    await register({ event_action: '*' });
    const [keep, merged] = sandbox.seed('persons', 2);
    sandbox.merge('persons', merged, keep);
    await sandbox.webhooksFlushed();
    const bodies = inbox.deliveries.map((delivery) => delivery.body).sort((a, b) => a.meta.action.localeCompare(b.meta.action));
    expect(bodies.map((body) => [body.meta.action, Number(body.meta.entity_id)])).toEqual([
      ['change', keep],
      ['delete', merged],
    ]);
    expect(bodies[1].meta.merged_to_id).toBe(String(keep));
    expect(bodies[0].meta.merged_from_id).toBe(String(merged));
    expect(bodies[0].meta.change_source).toBe('app');
  });

  it('retries a failed delivery 3 times (attempt 1 to 4) and then gives up; a later success is delivered once', async () => {
    await register();
    inbox.failWith = 503;
    sandbox.create('persons', { name: 'Retried' });
    await sandbox.webhooksFlushed();
    expect(inbox.deliveries.map((delivery) => delivery.body.meta.attempt)).toEqual([1, 2, 3, 4]);
    expect(new Set(inbox.deliveries.map((delivery) => delivery.body.meta.id)).size).toBe(1);
    const gaps = inbox.deliveries.slice(1).map((delivery, index) => delivery.at - inbox.deliveries[index].at);
    // 3, 30, 150 s scaled by 0.001: each wait at least its scaled delay.
    expect(gaps[1]).toBeGreaterThanOrEqual(29);
    expect(gaps[2]).toBeGreaterThanOrEqual(149);
    expect(sandbox.webhookStats()).toMatchObject({ failed: 4, givenUp: 1, delivered: 0 });

    inbox.failWith = null;
    sandbox.create('persons', { name: 'Delivered' });
    await sandbox.webhooksFlushed();
    expect(inbox.deliveries.slice(4).map((delivery) => delivery.body.meta.attempt)).toEqual([1]);
  });

  it('allows 40 webhooks per user (422 beyond), checks the registration, and drops an app\'s webhooks when it is uninstalled', async () => {
    for (let i = 0; i < 40; i++) expect((await register({ name: `hook ${i}` })).status).toBe(201);
    const over = await register();
    expect(over.status).toBe(422);
    expect(over.body).toMatchObject({ success: false, errorCode: 422 });
    const other = sandbox.issueGrant({ userId: sandbox.companies[0].userIds[1] });
    expect((await pdApi(api, 'POST', '/api/v1/webhooks', other.accessToken, { subscription_url: inbox.url, event_action: 'create', event_object: 'organization' })).status).toBe(201);
    expect((await pdApi(api, 'GET', '/api/v1/webhooks', token)).body.data).toHaveLength(41);

    sandbox.revokeGrant(other.grantId);
    expect(sandbox.webhooks()).toHaveLength(40);
    const bad = await pdApi(api, 'POST', '/api/v1/webhooks', token, { subscription_url: 'not a url', event_action: 'added', event_object: 'person' });
    expect(bad.status).toBe(400);
  });

  it('sends some deliveries twice with the duplicates knob, same meta.id', async () => {
    await register();
    sandbox.faults.webhookDuplicates({ share: 1 });
    sandbox.create('persons', { name: 'Twice' });
    await sandbox.webhooksFlushed();
    expect(inbox.deliveries).toHaveLength(2);
    expect(inbox.deliveries[0].body).toEqual(inbox.deliveries[1].body);
    expect(sandbox.webhookStats().duplicates).toBe(1);
  });

  it('lets later events overtake earlier ones with the out-of-order knob', async () => {
    await register({ event_action: 'create' });
    sandbox.faults.webhookOutOfOrder({ maxDelayMs: 200 });
    for (let i = 0; i < 12; i++) sandbox.create('persons', { name: `Person ${i}` });
    await sandbox.webhooksFlushed();
    const order = inbox.deliveries.map((delivery) => Number(delivery.body.meta.entity_id));
    expect([...order].sort((a, b) => a - b)).toEqual(sandbox.records('persons').map((person) => person.id));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });
});
