// Every URL an integration stores is checked where it is stored and again where it is used: a PATCH cannot slip one
// past the provider's host rules, an authorization URL stored before the rules (or no longer allowed) sends nobody
// anywhere, and the account lookup obeys the host rules and a byte limit. Forbidden targets here are IP literals refused
// before any connection, or recording servers on loopback.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { identifyAccount } from '../../../oauth/account-identity';
import { providerCatalog } from '../../../providers/catalog';
import { salesforce } from '../../../providers/salesforce/salesforce.provider';
import { COLLECTIONS } from '../../../store/database';
import { pressConnect } from '../../support/connect-link';
import { startTestStack, type TestStack } from '../../support/test-stack';

/** A loopback server answering `userinfo` (Salesforce's identity endpoint) with `body`, anything else 404, counting requests. */
async function identityServer(body: () => string) {
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    requests.push(req.url ?? '');
    if (req.url?.startsWith('/services/oauth2/userinfo')) res.writeHead(200, { 'content-type': 'application/json' }).end(body());
    else res.writeHead(404).end('[]');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, requests, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

describe('stored integration URLs', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'stored-urls', sandbox: { autoConsent: true } });
    // Registers the sandbox integration (salesforce-sandbox).
    expect((await stack.connectSalesforce('registers', { contacts: { frequency: '1d' } })).status).toBe(201);
  });
  afterAll(() => stack?.close());

  test('a PATCH to a link-local or foreign URL is a 400 naming the field and changes nothing', async () => {
    const before = (await stack.api('GET', '/integrations/salesforce-sandbox')).body;
    for (const [field, url] of [
      ['authorizationUrl', 'http://169.254.169.254/'],
      ['tokenUrl', 'https://169.254.169.254/latest/meta-data/'],
      ['apiBaseUrl', 'http://[fe80::1]/'],
      ['authorizationUrl', 'https://login.salesforce.com.evil.example/services/oauth2/authorize'],
    ] as const) {
      const answer = await stack.api('PATCH', '/integrations/salesforce-sandbox', { [field]: url });
      expect([field, url, answer.status, answer.body.error.fields]).toEqual([field, url, 400, [{ field: `body.${field}`, message: expect.any(String) }]]);
    }
    // Several fields at once: the bad one is named and the good one is not stored either.
    const mixed = await stack.api('PATCH', '/integrations/salesforce-sandbox', { scopes: ['api'], tokenUrl: 'http://169.254.169.254/token' });
    expect([mixed.status, mixed.body.error.fields[0].field]).toEqual([400, 'body.tokenUrl']);
    expect((await stack.api('GET', '/integrations/salesforce-sandbox')).body).toEqual(before);
    // An allowed one is still accepted.
    const allowed = await stack.api('PATCH', '/integrations/salesforce-sandbox', { authorizationUrl: before.authorizationUrl });
    expect(allowed.status).toBe(200);
  });

  test('an authorization URL stored outside the host rules sends no browser there: a 503 page, and the connect link is not spent', async () => {
    const stored = await stack.database.db.collection(COLLECTIONS.integrations).findOne({ _id: 'salesforce-sandbox' as never });
    // As an older release (which did not check updates) could have stored it.
    await stack.database.db
      .collection(COLLECTIONS.integrations)
      .updateOne({ _id: 'salesforce-sandbox' as never }, { $set: { authorizationUrl: 'https://login.salesforce.com.evil.example/services/oauth2/authorize' } });
    try {
      const session = await stack.api('POST', '/connect-sessions', { integration: 'salesforce-sandbox', connectionId: 'misrouted' });
      const connectUrl = new URL(session.body.connectUrl);
      const post = await pressConnect(session.body.connectUrl);
      expect([post.status, post.headers.get('location')]).toEqual([503, null]);
      expect(await post.text()).toMatch(/sign-in address is not one Tributary sends customers to, so nothing was done/);
      expect(await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({ connectionId: 'misrouted' })).toBe(0);
      expect((await fetch(connectUrl)).status).toBe(200); // still usable once the operator fixes the integration
    } finally {
      await stack.database.db.collection(COLLECTIONS.integrations).updateOne({ _id: 'salesforce-sandbox' as never }, { $set: { authorizationUrl: stored?.authorizationUrl } });
    }
  });

  test("the account lookup at POST /connections reads the provider's answer only up to the byte limit", async () => {
    const orgId = '00D000000BIGANS';
    const huge = await identityServer(() => JSON.stringify({ padding: 'x'.repeat(2 * 1024 * 1024), organization_id: orgId }));
    const small = await identityServer(() => JSON.stringify({ organization_id: orgId }));
    try {
      for (const [connectionId, server, expected] of [['huge-answer', huge, null], ['small-answer', small, orgId]] as const) {
        const grant = stack.sandbox.issueGrant();
        const created = await stack.api('POST', '/connections', {
          connectionId,
          integration: 'salesforce-sandbox',
          credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: server.url },
          syncs: { contacts: { frequency: '1d' } },
        });
        expect([connectionId, created.status, created.body.accountId]).toEqual([connectionId, 201, expected]);
        expect(server.requests.filter((url) => url.startsWith('/services/oauth2/userinfo'))).toHaveLength(1);
      }
    } finally {
      await huge.close();
      await small.close();
    }
  });

  test('the account lookup obeys the host rules: a target they refuse gets no request', async () => {
    const target = await identityServer(() => JSON.stringify({ organization_id: '00D000000NOTSENT' }));
    try {
      const strictRules = providerCatalog.withUrlPolicy({ allowLoopback: false }).urlRules('salesforce');
      await expect(
        identifyAccount(salesforce.accountIdentity, {
          apiBaseUrl: target.url,
          tokenUrl: `${target.url}/services/oauth2/token`,
          accessToken: 'token-that-must-stay-here',
          urlRules: strictRules,
          maxResponseBytes: salesforce.oauth.maxResponseBytes,
        }),
      ).rejects.toThrow(/loopback/);
      expect(target.requests).toEqual([]);
    } finally {
      await target.close();
    }
  });
});
