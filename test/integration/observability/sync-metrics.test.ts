// The worker's metrics after real syncs: records by action, provider requests by status class, refreshes, webhooks and
// rate-limit waits, counted with bounded labels and without a single secret in the output.
import type { SyncWebhookEvent } from '../../../contracts/webhook-events';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { labelNames, sampleSum } from './prometheus-text';

const CONTACTS = 2500; // two pages of 2000
const SF = { provider: 'salesforce', model: 'contacts' };

describe('sync metrics', () => {
  let stack: TestStack;
  /** Every token the connection held, collected before a refresh replaces them. */
  const tokens: string[] = [];
  const collectTokens = async () => {
    const { credentials } = await stack.store.connections.readCredentials('metered');
    tokens.push(credentials.accessToken ?? '', credentials.refreshToken);
  };
  const workerMetrics = () => stack.workerMetrics.registry.metrics();
  const syncEvents = () => stack.receiver.received.map((r) => r.event).filter((e): e is SyncWebhookEvent => e.type === 'sync');
  const succeededRuns = (mode: 'full' | 'incremental') =>
    stack.store.runs.collection.countDocuments({ connectionId: 'metered', mode, status: 'succeeded' });

  beforeAll(async () => {
    stack = await startTestStack({ name: 'metrics' });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(() => stack?.close());

  it('when a first sync stores every contact, then each is counted as added and every page request as a 2xx', async () => {
    expect((await stack.connectSalesforce('metered', { contacts: { frequency: '1h' } })).status).toBe(201);
    await stack.receiver.waitFor(() => syncEvents().length === 1, 60_000);
    await collectTokens();

    const text = await workerMetrics();
    expect(sampleSum(text, 'tributary_records_synced_total', { ...SF, action: 'added' })).toBe(CONTACTS);
    expect(sampleSum(text, 'tributary_records_synced_total', { action: 'updated' })).toBe(0);
    // The describe call that lists the org's fields, then the query's pages.
    expect(sampleSum(text, 'tributary_provider_requests_total', { provider: 'salesforce', status_class: '2xx' })).toBe(3);
    expect(sampleSum(text, 'tributary_sync_run_duration_seconds_count', { ...SF, mode: 'incremental', outcome: 'succeeded' })).toBe(1);
    expect(sampleSum(text, 'tributary_sync_run_duration_seconds_bucket', { ...SF, outcome: 'succeeded', le: '+Inf' })).toBe(1);
  });

  it('when contacts change, then an incremental sync counts them as updated and deleted, and a full sync the rest as unchanged', async () => {
    const contacts = stack.sandbox.records('Contact');
    for (const c of contacts.slice(0, 3)) stack.sandbox.update('Contact', c.Id as string, { Title: `Changed ${c.Id}` });
    for (const c of contacts.slice(10, 12)) stack.sandbox.delete('Contact', c.Id as string);
    expect((await stack.api('POST', '/connections/metered/sync', { models: ['contacts'] })).status).toBe(202);
    await stack.receiver.waitFor(() => syncEvents().length === 2, 60_000);

    let text = await workerMetrics();
    expect(sampleSum(text, 'tributary_records_synced_total', { ...SF, action: 'updated' })).toBe(3);
    expect(sampleSum(text, 'tributary_records_synced_total', { ...SF, action: 'deleted' })).toBe(2);

    // Nothing changed, so no webhook: wait on the run itself. (The incremental run's lookback re-read a few
    // records and counted them unchanged too, so count from here.)
    const unchangedBefore = sampleSum(text, 'tributary_records_synced_total', { ...SF, action: 'unchanged' });
    expect((await stack.api('POST', '/connections/metered/sync', { models: ['contacts'], mode: 'full' })).status).toBe(202);
    await eventually(async () => (await succeededRuns('full')) === 1, { what: 'the full sync to succeed' });
    text = await workerMetrics();
    expect(sampleSum(text, 'tributary_records_synced_total', { ...SF, action: 'unchanged' }) - unchangedBefore).toBe(CONTACTS - 2);
    expect(sampleSum(text, 'tributary_records_synced_total', { ...SF, action: 'deleted' })).toBe(2);
    expect(sampleSum(text, 'tributary_sync_run_duration_seconds_count', { ...SF, mode: 'full', outcome: 'succeeded' })).toBe(1);
  });

  it('when the session expires, then the 401 and the refresh that cured it are counted', async () => {
    stack.sandbox.expireSessions();
    expect((await stack.api('POST', '/connections/metered/sync', { models: ['contacts'] })).status).toBe(202);
    await eventually(async () => (await succeededRuns('incremental')) === 3, { what: 'the sync after the refresh' });

    const text = await workerMetrics();
    expect(sampleSum(text, 'tributary_provider_requests_total', { provider: 'salesforce', status_class: '4xx' })).toBe(1);
    expect(sampleSum(text, 'tributary_token_refreshes_total', { provider: 'salesforce', outcome: 'succeeded' })).toBe(1);
    expect(sampleSum(text, 'tributary_token_refreshes_total', { outcome: 'invalid_grant' })).toBe(0);
  });

  it('when webhooks land, then each delivery is counted by event type', async () => {
    const text = await workerMetrics();
    expect(sampleSum(text, 'tributary_webhook_deliveries_total', { event_type: 'sync', outcome: 'delivered', status_class: '2xx' })).toBe(2);
    expect(sampleSum(text, 'tributary_webhook_deliveries_total', { outcome: 'failed' })).toBe(0);
  });

  it('when the provider rate-limits a run, then the wait it asked for is counted', async () => {
    stack.sandbox.faults.rateLimitStorm({ seconds: 3600 });
    expect((await stack.api('POST', '/connections/metered/sync', { models: ['contacts'] })).status).toBe(202);
    await eventually(async () => sampleSum(await workerMetrics(), 'tributary_rate_limit_waits_total', { provider: 'salesforce' }) === 1, {
      what: 'a counted rate-limit wait',
    });
    // Salesforce's catalog entry waits 15 minutes on REQUEST_LIMIT_EXCEEDED when the answer names no time.
    expect(sampleSum(await workerMetrics(), 'tributary_rate_limit_wait_seconds_total', { provider: 'salesforce' })).toBe(900);
    stack.sandbox.faults.clear();
  });

  it('the output carries process metrics, only bounded labels, and no secret, token or id', async () => {
    const worker = await workerMetrics();
    const api = await (await fetch(`${stack.apiUrl}/metrics`)).text();
    expect(sampleSum(worker, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect(sampleSum(api, 'process_cpu_user_seconds_total')).toBeGreaterThan(0);
    expect([...labelNames(worker, 'tributary_')].sort()).toEqual(
      ['action', 'event_type', 'le', 'mode', 'model', 'outcome', 'provider', 'status_class'],
    );

    await collectTokens();
    const runIds = (await stack.store.runs.collection.find({ connectionId: 'metered' }).toArray()).map((run) => run._id);
    const secrets = [...tokens, stack.secretKey, stack.workerEnv.TRIBUTARY_WEBHOOK_SECRET, 'sandbox-client-secret'];
    expect(new Set(tokens.filter(Boolean)).size).toBe(3); // the first access token, its refreshed successor, the refresh token
    for (const text of [worker, api]) {
      for (const secret of secrets.filter((s) => s.length >= 8)) expect(text).not.toContain(secret);
      expect(text).not.toContain('metered'); // the connection id: one series per customer would never end
      for (const runId of runIds) expect(text).not.toContain(runId);
    }
  });
});
