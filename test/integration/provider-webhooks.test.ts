// Provider webhooks on the real stack: a change at HubSpot or Salesforce reaches the records API within seconds of the
// provider's notification (schedules set to an hour), forged or stale notifications do nothing, redelivered Outbound
// Messages and replayed HubSpot deliveries are acted on once, deliveries naming an account no connection has are
// counted, and a 10,000-event burst makes a handful of signals and runs.
import { createHmac } from 'node:crypto';
import { readWholeFeed, waitForRunAfter } from '../support/assertions';
import { eventually } from '../support/eventually';
import { sampleSum } from './observability/prometheus-text';
import { HUBSPOT_INTEGRATION, startHubSpotStack, type HubSpotStack } from '../support/hubspot-stack';
import { outboundMessageAck } from '../../providers/salesforce/outbound-message';
import { outboundMessageEnvelope } from '../../sandbox/salesforce/outbound-messages';

const WINDOW_MS = 1000;

describe('provider webhooks', () => {
  let stack: HubSpotStack;
  let hubspotHook: string;
  let salesforceHook: string;
  beforeAll(async () => {
    stack = await startHubSpotStack({ name: 'provider-webhooks', providerWebhooks: { coalesceWindowMs: WINDOW_MS, maxCoalesceWindowMs: 30_000 } });
    stack.hubspot.seed('contacts', 50);
    stack.sandbox.seed('Contact', 5);
    expect((await stack.connectHubSpot('hs', { contacts: { frequency: '1h' } })).status).toBe(201);
    expect((await stack.connectSalesforce('sf', { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'hs', 'contacts', null);
    await waitForRunAfter(stack, 'sf', 'contacts', null);
    hubspotHook = `${stack.apiUrl}/provider-webhooks/${HUBSPOT_INTEGRATION}`;
    // Outbound Messages carry no signature: the URL the integration shows carries its secret.
    salesforceHook = (await stack.api('GET', '/integrations/salesforce-sandbox')).body.providerWebhook?.url;
    expect(salesforceHook).toMatch(new RegExp(`^${stack.apiUrl}/provider-webhooks/salesforce-sandbox/[\\w-]{43}$`));
    stack.hubspot.setOptions({ webhookUrl: hubspotHook });
    stack.sandbox.setOptions({ webhookUrl: salesforceHook });
  });
  afterAll(() => stack?.close());

  const runsOf = async (connectionId: string) => (await stack.api('GET', `/connections/${connectionId}/runs?model=contacts&limit=100`)).body.runs as { runId: string; status: string }[];
  const signalsTo = async (connectionId: string) => {
    const history = await stack.temporal.workflow.getHandle(stack.workflowId(connectionId)).fetchHistory();
    return (history.events ?? []).filter((e) => e.workflowExecutionSignaledEventAttributes?.signalName === 'syncRequested').length;
  };

  const unmatchedDeliveries = async (integration: string) =>
    sampleSum(await (await fetch(`${stack.apiUrl}/metrics`)).text(), 'tributary_provider_webhook_unmatched_accounts_total', { integration });
  const signedHubSpotPost = (body: string, timestamp = String(Date.now())) =>
    fetch(hubspotHook, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'x-hubspot-request-timestamp': timestamp,
        'x-hubspot-signature-v3': createHmac('sha256', 'hubspot-sandbox-client-secret').update(`POST${hubspotHook}${body}${timestamp}`).digest('base64'),
      },
      body,
    });

  it('records the provider account of each connection at connect', async () => {
    const tokenInfo = (await (await fetch(`${stack.hubspot.url}/oauth/v1/access-tokens/${stack.hubspot.issueGrant().accessToken}`)).json()) as { hub_id: number };
    const portalId = tokenInfo.hub_id;
    expect((await stack.store.connections.find('hs'))?.providerAccountId).toBe(String(portalId));
    expect((await stack.store.connections.find('sf'))?.providerAccountId).toMatch(/^00D/);
  });

  it("shows HubSpot's webhook URL without a secret (HubSpot signs its deliveries), and refuses to rotate one", async () => {
    expect((await stack.api('GET', `/integrations/${HUBSPOT_INTEGRATION}`)).body.providerWebhook).toEqual({ url: hubspotHook, previousUrlValidUntil: null, credentials: null });
    // A 409, not a 400: the request is well formed, and conflicts with this integration's provider (issue 25).
    const rotate = await stack.api('PATCH', `/integrations/${HUBSPOT_INTEGRATION}`, { rotateWebhookUrl: true });
    expect([rotate.status, rotate.body.error.fields?.[0]?.field]).toEqual([409, 'body.rotateWebhookUrl']);
  });

  it('refuses a HubSpot webhook with a wrong signature or an old timestamp, and does nothing', async () => {
    const body = JSON.stringify([{ portalId: 1, subscriptionType: 'contact.propertyChange', objectId: 1, eventId: 1 }]);
    const sign = (secret: string, timestamp: string) => createHmac('sha256', secret).update(`POST${hubspotHook}${body}${timestamp}`).digest('base64');
    const now = String(Date.now());
    const old = String(Date.now() - 6 * 60 * 1000);
    for (const [timestamp, signature] of [[now, sign('not-the-client-secret', now)], [old, sign('hubspot-sandbox-client-secret', old)], [now, undefined]]) {
      const answer = await fetch(hubspotHook, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-hubspot-request-timestamp': timestamp as string, ...(signature ? { 'x-hubspot-signature-v3': signature } : {}) },
        body,
      });
      expect(answer.status).toBe(401);
    }
    expect(await stack.database.db.collection('sync_triggers').countDocuments()).toBe(0);
  });

  it('a HubSpot change is in the records API within seconds, without waiting for the hourly schedule', async () => {
    const [contact] = stack.hubspot.records('contacts');
    const feedBefore = await readWholeFeed(stack, 'hs', 'contacts', undefined, 500);
    stack.hubspot.update('contacts', contact.id, { jobtitle: 'Changed at HubSpot' });
    const changed = await eventually(
      async () => {
        const feed = await readWholeFeed(stack, 'hs', 'contacts', feedBefore.at(-1)?.cursor, 100);
        return feed.find((r) => r.id === contact.id && (r.data as { properties: { jobtitle?: string } }).properties.jobtitle === 'Changed at HubSpot');
      },
      { timeoutMs: 15_000, what: 'the HubSpot change in the records API' },
    );
    expect(changed.action).toBe('updated');
    expect(stack.hubspot.webhookStats().failed).toBe(0);
  });

  it('a 10,000-event burst makes a handful of signals and runs, and the last change arrives', async () => {
    await eventually(async () => (await runsOf('hs')).every((r) => r.status !== 'running'), { what: 'no run in flight' });
    const runsBefore = (await runsOf('hs')).length;
    const signalsBefore = await signalsTo('hs');
    const ids = stack.hubspot.records('contacts').map((r) => r.id);
    for (let i = 0; i < 10_000; i++) stack.hubspot.update('contacts', ids[i % ids.length], { jobtitle: `Burst ${i}` });
    await stack.hubspot.webhooksFlushed();
    expect(stack.hubspot.webhookStats().notifications).toBeGreaterThanOrEqual(10_000);

    const last = ids[9_999 % ids.length];
    await eventually(
      async () => {
        const stored = await stack.store.records.collection.findOne({ connectionId: 'hs', model: 'contacts', externalId: last });
        return (stored?.data as { properties?: { jobtitle?: string } } | undefined)?.properties?.jobtitle === 'Burst 9999';
      },
      { timeoutMs: 30_000, what: 'the burst\'s last change stored' },
    );
    // Let the trailing windows close and any run they asked for finish before counting.
    await eventually(async () => !(await stack.database.db.collection('sync_triggers').findOne({ _id: 'hs' as never }))?.pending, { what: 'no changes pending' });
    await new Promise((resolve) => setTimeout(resolve, 2 * WINDOW_MS));
    await eventually(async () => (await runsOf('hs')).every((r) => r.status !== 'running'), { what: 'no run in flight' });
    const runs = (await runsOf('hs')).length - runsBefore;
    const signals = (await signalsTo('hs')) - signalsBefore;
    const seen = JSON.stringify({ runs, signals, deliveries: stack.hubspot.webhookStats(), runStatuses: (await runsOf('hs')).map((r) => r.status) });
    expect(`${signals <= 8 ? 'few' : 'many'} signals: ${seen}`).toMatch(/^few signals/);
    expect(`${runs >= 1 && runs <= 6 ? 'few' : 'many'} runs: ${seen}`).toMatch(/^few runs/);
  });

  it('a Salesforce change arrives through an Outbound Message, which is acknowledged', async () => {
    const [contact] = stack.sandbox.records('Contact');
    const feedBefore = await readWholeFeed(stack, 'sf', 'contacts', undefined, 500);
    stack.sandbox.update('Contact', contact.Id, { Title: 'Changed at Salesforce' });
    await eventually(
      async () => {
        const feed = await readWholeFeed(stack, 'sf', 'contacts', feedBefore.at(-1)?.cursor, 100);
        return feed.find((r) => r.id === contact.Id && r.data.Title === 'Changed at Salesforce');
      },
      { timeoutMs: 15_000, what: 'the Salesforce change in the records API' },
    );
    await stack.sandbox.webhooksFlushed();
    expect(stack.sandbox.webhookStats()).toMatchObject({ delivered: 1, failed: 0 });
  });

  it('acts once on a redelivered Outbound Message, and Acks one for an unknown org alike, counting it', async () => {
    const orgId = (await stack.store.connections.find('sf'))?.providerAccountId as string;
    const [contact] = stack.sandbox.records('Contact');
    const envelope = outboundMessageEnvelope(orgId, stack.sandbox.url, [{ id: '04l000000000REDELI', object: 'Contact', recordId: contact.Id }]);
    const post = (xml: string) => fetch(salesforceHook, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: xml });
    // After the window, so the first delivery opens a new one.
    await new Promise((resolve) => setTimeout(resolve, 2 * WINDOW_MS));
    const first = await post(envelope);
    expect(first.status).toBe(200);
    expect(await first.text()).toContain('<Ack>true</Ack>');
    const trigger = await stack.database.db.collection('sync_triggers').findOne({ _id: 'sf' as never });
    await new Promise((resolve) => setTimeout(resolve, 2 * WINDOW_MS));
    const again = await post(envelope);
    expect(await again.text()).toContain('<Ack>true</Ack>');
    // The repeat opened no window: nothing was signalled for it.
    expect((await stack.database.db.collection('sync_triggers').findOne({ _id: 'sf' as never }))?.windowEndsAt).toEqual(trigger?.windowEndsAt);

    // No oracle: whoever holds the URL learns nothing from the answer about which orgs are customers.
    const unmatchedBefore = await unmatchedDeliveries('salesforce-sandbox');
    const unknown = await post(outboundMessageEnvelope('00D000000000000AAA', stack.sandbox.url, [{ id: '04l000000000UNKNOW', object: 'Contact', recordId: contact.Id }]));
    expect([unknown.status, await unknown.text()]).toEqual([first.status, outboundMessageAck(true)]);
    expect(await unmatchedDeliveries('salesforce-sandbox')).toBe(unmatchedBefore + 1);
  });

  it('acts once on a signed HubSpot delivery replayed within its 5 minutes', async () => {
    const portalId = Number((await stack.store.connections.find('hs'))?.providerAccountId);
    const [contact] = stack.hubspot.records('contacts');
    const body = JSON.stringify([
      { eventId: 987_654_321, subscriptionId: 1001, portalId, appId: 1, occurredAt: Date.now(), subscriptionType: 'contact.propertyChange', attemptNumber: 0, objectId: Number(contact.id), propertyName: 'jobtitle', propertyValue: 'Replayed', changeSource: 'CRM_UI' },
    ]);
    const timestamp = String(Date.now());
    const trigger = () => stack.database.db.collection('sync_triggers').findOne({ _id: 'hs' as never });
    // The burst before may have stretched hs's window: wait until none is open, so a delivery that acts opens one.
    const windowClosed = async () => {
      const current = await trigger();
      return !current || (current.windowEndsAt.getTime() < Date.now() && !current.pending);
    };
    await eventually(windowClosed, { timeoutMs: 60_000, what: "hs's coalescing window closed" });
    expect((await signedHubSpotPost(body, timestamp)).status).toBe(204);
    const opened = await trigger();
    expect(opened?.windowEndsAt.getTime()).toBeGreaterThan(Date.now());
    await eventually(windowClosed, { timeoutMs: 60_000, what: "hs's coalescing window closed" });
    // The same bytes, timestamp and signature again: authentic, fresh, and already handled.
    expect((await signedHubSpotPost(body, timestamp)).status).toBe(204);
    expect(await trigger()).toMatchObject({ windowEndsAt: opened?.windowEndsAt, pending: false });
  });

  it('counts a signed HubSpot delivery for a portal no connection has, by integration only', async () => {
    const before = await unmatchedDeliveries(HUBSPOT_INTEGRATION);
    const body = JSON.stringify([{ eventId: 5, subscriptionId: 1001, portalId: 424242, appId: 1, occurredAt: Date.now(), subscriptionType: 'contact.creation', attemptNumber: 0, objectId: 7, changeSource: 'CRM_UI' }]);
    expect((await signedHubSpotPost(body)).status).toBe(204);
    const metrics = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(sampleSum(metrics, 'tributary_provider_webhook_unmatched_accounts_total', { integration: HUBSPOT_INTEGRATION, provider: 'hubspot' })).toBe(before + 1);
    expect(metrics).not.toContain('424242'); // an account id is never a label
  });
});
