// /proxy on the real stack: reaches both providers' describe endpoints with the connection's token, forwards writes,
// waits for the connection workflow's refresh after a 401, passes rate limits back, retries only gateway errors of
// idempotent methods, and refuses other hosts.
import { request as httpRequest } from 'node:http';
import { gzipSync } from 'node:zlib';
import type { ResponseJson } from '../../support/test-stack';
import { startHubSpotStack, type HubSpotStack } from '../../support/hubspot-stack';
import { waitForRunAfter } from '../../support/assertions';
import { DEFAULT_PROXY_SETTINGS } from '../../../api/use-cases/proxy';

describe('the proxy', () => {
  let stack: HubSpotStack;
  beforeAll(async () => {
    stack = await startHubSpotStack({
      name: 'proxy',
      // Longer than any test below takes, so no forced refresh is allowed again by the clock while one runs.
      proxy: { refreshWaitMs: 20_000, maxBodyBytes: 64 * 1024, forcedRefreshMinIntervalMs: 10 * 60_000 },
    });
    stack.sandbox.seed('Contact', 3);
    stack.hubspot.seed('contacts', 3);
    expect((await stack.connectSalesforce('sf', { contacts: { frequency: '1h' } })).status).toBe(201);
    expect((await stack.connectHubSpot('hs', { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'sf', 'contacts', null);
    await waitForRunAfter(stack, 'hs', 'contacts', null);
  });
  afterAll(() => stack?.close());

  /** A fetch Response whose json() is typed loosely, as the stack's api() answers are. */
  type ProxyAnswer = Omit<Response, 'json'> & { json(): Promise<ResponseJson> };
  const proxy = (method: string, path: string, connectionId: string, body?: unknown, headers: Record<string, string> = {}, raw?: Buffer): Promise<ProxyAnswer> =>
    fetch(`${stack.apiUrl}/proxy${path}`, {
      method,
      headers: {
        authorization: `Bearer ${stack.secretKey}`,
        'connection-id': connectionId,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: raw ?? (body === undefined ? undefined : JSON.stringify(body)),
    });

  it("answers Salesforce's describe call with the connection's token and the provider's headers", async () => {
    const answer = await proxy('GET', '/services/data/v59.0/sobjects/Contact/describe', 'sf');
    expect(answer.status).toBe(200);
    expect(answer.headers.get('sforce-limit-info')).toMatch(/^api-usage=\d+\/\d+$/);
    const body = await answer.json();
    expect(body.fields.map((f: { name: string }) => f.name)).toContain('LastName');
  });

  it("answers HubSpot's properties call", async () => {
    const answer = await proxy('GET', '/crm/v3/properties/contacts', 'hs');
    expect(answer.status).toBe(200);
    expect((await answer.json()).results.map((p: { name: string }) => p.name)).toContain('email');
  });

  it('forwards a write with its body and passes the refusal back as the provider worded it', async () => {
    const created = await proxy('POST', '/services/data/v59.0/sobjects/Contact/', 'sf', { LastName: 'Proxied' });
    expect(created.status).toBe(201);
    const { id, success } = await created.json();
    expect(success).toBe(true);
    expect(stack.sandbox.records('Contact').find((r) => r.Id === id)?.LastName).toBe('Proxied');

    const refused = await proxy('POST', '/services/data/v59.0/sobjects/Contact/', 'sf', { FirstName: 'No last name' });
    expect(refused.status).toBe(400);
    expect((await refused.json())[0].errorCode).toBe('REQUIRED_FIELD_MISSING');
  });

  it('forwards a gzip-compressed body it inflated without its Content-Encoding, so the provider reads it', async () => {
    const body = gzipSync(JSON.stringify({ LastName: 'Compressed' }));
    const created = await proxy('POST', '/services/data/v59.0/sobjects/Contact/', 'sf', undefined, { 'content-type': 'application/json', 'content-encoding': 'gzip' }, body);
    expect(created.status).toBe(201);
    const { id } = await created.json();
    expect(stack.sandbox.records('Contact').find((r) => r.Id === id)?.LastName).toBe('Compressed');
  });

  it('answers a request sent with Expect: 100-continue (curl does so for large bodies) instead of failing to forward it', async () => {
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(`${stack.apiUrl}/proxy/services/data/v59.0/sobjects/Contact/`, {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.secretKey}`, 'connection-id': 'sf', 'content-type': 'application/json', expect: '100-continue' },
      });
      request.on('continue', () => request.end(JSON.stringify({ LastName: 'Expected' })));
      request.on('response', (response) => {
        let text = '';
        response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve({ status: response.statusCode ?? 0, body: text }));
      });
      request.on('error', reject);
    });
    expect(answer).toMatchObject({ status: 201 });
    expect(stack.sandbox.records('Contact').find((r) => r.Id === JSON.parse(answer.body).id)?.LastName).toBe('Expected');
  });

  it("refuses other hosts, without the connection's token ever leaving", async () => {
    for (const path of ['/https://[fe80::1]/steal', '//[fe80::1]/steal', '/https:%2F%2F[fe80::1]/steal']) {
      const answer = await proxy('GET', path, 'sf');
      expect(answer.status).toBe(400);
      expect((await answer.json()).error.fields[0].field).toBe('path');
    }
  });

  it('needs the secret key and names a missing Connection-Id header', async () => {
    expect((await fetch(`${stack.apiUrl}/proxy/crm/v3/properties/contacts`, { headers: { 'connection-id': 'hs' } })).status).toBe(401);
    const missing: ProxyAnswer = await fetch(`${stack.apiUrl}/proxy/crm/v3/properties/contacts`, { headers: { authorization: `Bearer ${stack.secretKey}` } });
    expect(missing.status).toBe(400);
    expect((await missing.json()).error.fields[0].field).toBe('headers.connection-id');
  });

  it('on a 401 waits for the connection workflow to store new credentials, then retries once with them', async () => {
    const before = (await stack.store.connections.get('sf')).credentialState.generation;
    const statsBefore = stack.sandbox.stats();
    stack.sandbox.expireSessions();
    const answering = proxy('GET', '/services/data/v59.0/sobjects/Contact/describe', 'sf');
    // Until the connection workflow handles credentialsExpired itself, a sync meeting the same 401 is what refreshes.
    expect((await stack.api('POST', '/connections/sf/sync', { models: ['contacts'] })).status).toBe(202);
    const answer = await answering;
    expect(answer.status).toBe(200);
    expect((await stack.store.connections.get('sf')).credentialState.generation).toBeGreaterThan(before);
    // The proxy never refreshed itself: every refresh went through the workflow's one refresher.
    const refreshes = (stats: ReturnType<typeof stack.sandbox.stats>) => stats.requests['token.refresh_token'] ?? 0;
    expect(refreshes(stack.sandbox.stats()) - refreshes(statsBefore)).toBe(1);
  });

  it('answers 409 for a connection in auth_error, without calling the provider', async () => {
    await stack.store.connections.setStatus('hs', 'auth_error', 'refresh token revoked');
    const calls = stack.hubspot.stats();
    const answer = await proxy('GET', '/crm/v3/properties/contacts', 'hs');
    expect(answer.status).toBe(409);
    expect((await answer.json()).error.message).toMatch(/auth_error: refresh token revoked/);
    expect(stack.hubspot.stats().requests.properties ?? 0).toBe(calls.requests.properties ?? 0);
    await stack.store.connections.setStatus('hs', 'active', null);
  });

  it("passes HubSpot's 429 back with its headers and does not retry it", async () => {
    stack.hubspot.setOptions({ tenSecondlyLimit: 1 });
    try {
      const answers = [await proxy('GET', '/crm/v3/properties/contacts', 'hs'), await proxy('GET', '/crm/v3/properties/contacts', 'hs')];
      const limited = answers.find((a) => a.status === 429);
      expect(limited).toBeDefined();
      expect(limited!.headers.get('x-hubspot-ratelimit-remaining')).toBe('0');
      expect((await limited!.json()).policyName).toBe('TEN_SECONDLY_ROLLING');
    } finally {
      stack.hubspot.setOptions({ tenSecondlyLimit: 110 });
    }
  });

  it('refuses an answer larger than its byte limit rather than passing part of it on', async () => {
    stack.sandbox.seed('Contact', 400);
    const answer = await proxy('GET', `/services/data/v59.0/query?q=${encodeURIComponent('SELECT Id, FirstName, LastName, Email, Title FROM Contact')}`, 'sf');
    expect(answer.status).toBe(503);
    expect((await answer.json()).error.message).toMatch(/over the proxy's limit of 65536/);
  });

  it('sends a GET again after a gateway error, but never a POST, and hands a 500 back at once', async () => {
    const sent = (kind: string) => stack.sandbox.stats().requests[kind] ?? 0;
    const describePath = '/services/data/v59.0/sobjects/Contact/describe';
    try {
      stack.sandbox.faults.serverErrors({ share: 1, status: 503 });
      let before = sent('describe');
      const unavailable = await proxy('GET', describePath, 'sf');
      expect(unavailable.status).toBe(503);
      await unavailable.body?.cancel();
      expect(sent('describe') - before).toBe(1 + DEFAULT_PROXY_SETTINGS.idempotentRetries);

      before = sent('other');
      const write = await proxy('POST', '/services/data/v59.0/sobjects/Contact/', 'sf', { LastName: 'Sent once' });
      expect(write.status).toBe(503);
      await write.body?.cancel();
      expect(sent('other') - before).toBe(1);

      // A 500 came from the provider itself, not a hop on the way: the caller gets it as sent.
      stack.sandbox.faults.serverErrors({ share: 1, status: 500 });
      before = sent('describe');
      const failed = await proxy('GET', describePath, 'sf');
      expect(failed.status).toBe(500);
      await failed.body?.cancel();
      expect(sent('describe') - before).toBe(1);
    } finally {
      stack.sandbox.faults.clear();
    }
  });

  // Last: these expire every session of the sandbox, and a connection whose refresh was forced recently is then
  // handed its 401s back for the rest of the file.
  describe('a provider that keeps answering 401', () => {
    const describePath = '/services/data/v59.0/sobjects/Contact/describe';
    const refreshes = () => stack.sandbox.stats().requests['token.refresh_token'] ?? 0;
    const signalsOf = async (connectionId: string) =>
      ((await stack.temporal.workflow.getHandle(stack.workflowId(connectionId)).fetchHistory()).events ?? []).filter(
        (event) => event.workflowExecutionSignaledEventAttributes?.signalName === 'credentialsExpired',
      ).length;

    it('cannot make the workflow hammer the token endpoint: one forced refresh, then the 401s are handed back', async () => {
      expect((await stack.connectSalesforce('hammered', { contacts: { frequency: '1h' } })).status).toBe(201);
      await waitForRunAfter(stack, 'hammered', 'contacts', null);
      const before = refreshes();
      const statuses: number[] = [];
      // Every token the provider hands out is refused at once (say, an admin's policy): each request meets a 401.
      for (let i = 0; i < 6; i++) {
        stack.sandbox.expireSessions();
        const answer = await proxy('GET', describePath, 'hammered');
        statuses.push(answer.status);
        await answer.body?.cancel();
      }
      expect(statuses).toEqual([200, 401, 401, 401, 401, 401]);
      expect(refreshes() - before).toBe(1);
      expect(await signalsOf('hammered')).toBe(1);
    });

    it('asks once for a burst of 401s on one generation, and every request of the burst waits for that refresh', async () => {
      expect((await stack.connectSalesforce('burst', { contacts: { frequency: '1h' } })).status).toBe(201);
      await waitForRunAfter(stack, 'burst', 'contacts', null);
      const before = refreshes();
      stack.sandbox.expireSessions();
      const answers = await Promise.all(Array.from({ length: 6 }, () => proxy('GET', describePath, 'burst')));
      expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200, 200]);
      await Promise.all(answers.map((answer) => answer.body?.cancel()));
      expect(refreshes() - before).toBe(1);
      expect(await signalsOf('burst')).toBe(1);
    });
  });
});
