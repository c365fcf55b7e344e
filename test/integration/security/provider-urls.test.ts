// Tokens and secrets go only to the provider, on the real stack: a hostile token answer, next-page link or redirect
// gets nothing. Every forbidden target here is unconnectable (http://[fe80::1], a link-local address without a zone)
// or a recording server on loopback, so even a broken build could not send a packet off this machine.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const UNCONNECTABLE = 'http://[fe80::1]';

/** A loopback server that records every request it gets (with its body) and answers with `respond`. */
async function recordingServer(respond: (req: IncomingMessage, body: string) => { status: number; headers?: Record<string, string>; body?: string }) {
  const requests: { url: string; body: string; authorization: string | undefined }[] = [];
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      requests.push({ url: req.url ?? '', body, authorization: req.headers.authorization });
      const answer = respond(req, body);
      res.writeHead(answer.status, answer.headers).end(answer.body ?? '');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('provider URLs on the real stack', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'ssrf' });
    stack.sandbox.seed('Contact', 2500); // two pages of 2,000
  });
  afterAll(() => stack?.close());
  afterEach(() => stack.sandbox.setOptions({ reportedInstanceUrl: '', nextRecordsOrigin: '' }));

  /** A connection whose first move is a refresh: it was handed no access token. */
  async function connectWithoutAccessToken(connectionId: string, integration = 'salesforce-sandbox') {
    await stack.connectSalesforce(`${connectionId}-warmup`, { contacts: { frequency: '1d' } }); // registers the sandbox integration once
    const grant = stack.sandbox.issueGrant();
    return stack.api('POST', '/connections', {
      connectionId,
      integration,
      credentials: { refreshToken: grant.refreshToken },
      syncs: { contacts: { frequency: '1d' } },
    });
  }

  test('a link-local or foreign integration URL is a 400 naming the field, and nothing is stored', async () => {
    for (const [field, url] of [
      ['tokenUrl', `${UNCONNECTABLE}/services/oauth2/token`],
      ['authorizationUrl', 'https://login.salesforce.com.evil.example/authorize'],
      ['apiBaseUrl', 'https://169.254.169.254/latest'],
    ] as const) {
      const answer = await stack.api('POST', '/integrations', { key: `bad-${field}`, provider: 'salesforce', clientId: 'c', clientSecret: 's', [field]: url });
      expect([field, answer.status, answer.body.error.fields]).toEqual([field, 400, [{ field: `body.${field}`, message: expect.any(String) }]]);
      expect((await stack.api('GET', `/integrations/bad-${field}`)).status).toBe(404);
    }
  });

  test('a link-local instanceUrl in the credentials is a 400 naming the field; no connection, no workflow', async () => {
    await stack.connectSalesforce('ssrf-registers-integration', { contacts: { frequency: '1d' } });
    const grant = stack.sandbox.issueGrant();
    const answer = await stack.api('POST', '/connections', {
      connectionId: 'link-local',
      integration: 'salesforce-sandbox',
      credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: UNCONNECTABLE },
    });
    expect(answer.status).toBe(400);
    expect(answer.body.error.fields).toEqual([{ field: 'body.credentials.instanceUrl', message: expect.stringMatching(/https|link-local|internal/) }]);
    expect((await stack.api('GET', '/connections/link-local')).status).toBe(404);
  });

  test('a token answer whose instance_url points elsewhere is refused: not stored, no access token sent there', async () => {
    stack.sandbox.setOptions({ reportedInstanceUrl: UNCONNECTABLE });
    expect((await connectWithoutAccessToken('hostile-instance')).status).toBe(201);
    const connection = await eventually(
      async () => {
        const view = await stack.api('GET', '/connections/hostile-instance');
        return view.body.status === 'auth_error' ? view.body : null;
      },
      { what: 'the connection to be parked in auth_error' },
    );
    expect(connection.credentials.lastError).toMatch(/instance_url .*(https|internal|link-local)/);
    const { credentials } = await stack.store.connections.readCredentials('hostile-instance');
    expect(credentials.instanceUrl).toBeNull();
    expect(credentials.accessToken).toBeNull();
  });

  test('an absolute nextRecordsUrl on another origin is not followed: the run fails saying so, the other origin gets nothing', async () => {
    const elsewhere = await recordingServer(() => ({ status: 200, body: '{"done":true,"records":[]}' }));
    try {
      stack.sandbox.setOptions({ nextRecordsOrigin: elsewhere.url });
      expect((await stack.connectSalesforce('hostile-next', { contacts: { frequency: '1d' } })).status).toBe(201);
      const run = await eventually(
        async () => {
          const view = await stack.api('GET', '/connections/hostile-next');
          const lastRun = view.body.syncs.contacts.lastRun;
          return lastRun?.status === 'failed' ? lastRun : null;
        },
        { what: 'the contacts run to fail', timeoutMs: 90_000 },
      );
      expect(run.error.message).toMatch(/leaves the API's origin/);
      expect(elsewhere.requests).toEqual([]);
    } finally {
      await elsewhere.close();
    }
  });

  test.each([307, 308])('a token endpoint answering %i to another port: the redirect is not followed, the client secret and refresh token stay put', async (status) => {
    const thief = await recordingServer(() => ({ status: 200, body: '{"access_token":"stolen","instance_url":"http://127.0.0.1:1"}' }));
    const redirecting = await recordingServer(() => ({ status, headers: { location: `${thief.url}/token` } }));
    try {
      const key = `redirecting-${status}`;
      const created = await stack.api('POST', '/integrations', {
        key,
        provider: 'salesforce',
        clientId: 'sandbox-client-id',
        clientSecret: 'sandbox-client-secret',
        tokenUrl: `${redirecting.url}/services/oauth2/token`,
      });
      expect(created.status).toBe(201);
      const connectionId = `redirected-${status}`;
      expect((await connectWithoutAccessToken(connectionId, key)).status).toBe(201);
      const view = await eventually(
        async () => {
          const answer = await stack.api('GET', `/connections/${connectionId}`);
          return answer.body.credentials.lastError ? answer.body : null;
        },
        { what: 'the refresh to fail' },
      );
      expect(view.credentials.lastError).toMatch(new RegExp(`HTTP ${status}, a redirect; redirects are not followed`));
      expect(redirecting.requests).toHaveLength(1); // the configured endpoint was asked once...
      expect(thief.requests).toEqual([]); // ...and the secret never reached the other port
    } finally {
      await thief.close();
      await redirecting.close();
    }
  });
});
