// The provider conventions a catalog entry declares as data, each read by one generic code path: how the app
// authenticates at the token endpoint, refusals inside HTTP 200, the API base URL a token answer names, the
// Authorization scheme, where the account id comes from, and which answers mean a field is missing.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { identifyAccount } from '../../oauth/account-identity';
import { exchangeAuthorizationCode, introspectExpiry, refreshAccessToken, TokenError, type OAuthClient, type TokenProvider } from '../../oauth/token-client';
import { ProviderCatalog } from '../../providers/catalog';
import type { ProviderDefinition } from '../../providers/provider-definition';
import { createProviderHttpClient } from '../../sync-engine/provider-http-client';
import { isFieldError } from '../../sync/error-rules';
import { ProviderError } from '../../sync/provider-error';
import { papyrus } from '../support/papyrus/papyrus.provider';

interface Seen {
  method: string;
  path: string;
  authorization: string | undefined;
  body: URLSearchParams;
}

/** A loopback server that records each request and answers it with `answer(path)` as JSON. */
async function recordingServer(answer: (path: string, request: Seen) => [number, unknown]) {
  const seen: Seen[] = [];
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request = { method: req.method ?? '', path: req.url ?? '', authorization: req.headers.authorization, body: new URLSearchParams(Buffer.concat(chunks).toString('utf8')) };
      seen.push(request);
      const [status, body] = answer(request.path, request);
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, seen, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

const catalog = new ProviderCatalog([papyrus]).withUrlPolicy({ allowLoopback: true });
const rules = catalog.urlRules('papyrus');
const clientAt = (url: string): OAuthClient => ({ clientId: 'app id', clientSecret: 's3cr:t/+x', tokenUrl: `${url}/oauth/token`, urlRules: rules });
/** Papyrus with some OAuth settings changed, as another provider would declare them. */
const withOAuth = (oauth: Partial<ProviderDefinition['oauth']>): TokenProvider => ({ ...papyrus, oauth: { ...papyrus.oauth, ...oauth } });

describe('client authentication at the token endpoint', () => {
  test('basic: HTTP Basic with each part form-encoded, and no credentials in the body, for tokens and introspection', async () => {
    const server = await recordingServer((path) => (path.endsWith('/introspect') ? [200, { active: true, exp: 2_000_000_000 }] : [200, { access_token: 'a', expires_in: 60 }]));
    try {
      const provider = withOAuth({ tokenLifetime: { source: 'introspection', introspectionPath: '/introspect', fallbackSeconds: 60 } });
      await refreshAccessToken(provider, clientAt(server.url), 'r1');
      await introspectExpiry(provider, clientAt(server.url), 'a');
      expect(server.seen).toHaveLength(2);
      for (const request of server.seen) {
        expect(request.authorization).toBe(`Basic ${Buffer.from('app+id:s3cr%3At%2F%2Bx').toString('base64')}`);
        expect([request.body.has('client_id'), request.body.has('client_secret')]).toEqual([false, false]);
      }
      expect(server.seen[0].body.get('refresh_token')).toBe('r1');
      expect(server.seen[1].body.get('token')).toBe('a');
    } finally {
      await server.close();
    }
  });

  test('form (the default): client_id and client_secret in the body, and no Authorization header', async () => {
    const server = await recordingServer(() => [200, { access_token: 'a', expires_in: 60 }]);
    try {
      await refreshAccessToken(withOAuth({ clientAuthentication: undefined }), clientAt(server.url), 'r1');
      expect(server.seen[0].authorization).toBeUndefined();
      expect([server.seen[0].body.get('client_id'), server.seen[0].body.get('client_secret')]).toEqual(['app id', 's3cr:t/+x']);
    } finally {
      await server.close();
    }
  });
});

describe('token answers', () => {
  test('a refusal inside HTTP 200 is read with the convention when the entry says so: a dead code is invalid_grant', async () => {
    const server = await recordingServer(() => [200, { error: 'invalid_code' }]);
    try {
      const refused = await refreshAccessToken(papyrus, clientAt(server.url), 'r1').catch((e: unknown) => e);
      expect([refused instanceof TokenError && refused.kind, (refused as Error).message]).toEqual(['invalid_grant', 'token endpoint refused: invalid_code']);
      // Without the declaration a 200 without a token stays what it was: a provider fault, tried again later.
      const unflagged = withOAuth({ tokenErrors: { ...papyrus.oauth.tokenErrors!, refusesWithOk: undefined } });
      const fault = await refreshAccessToken(unflagged, clientAt(server.url), 'r1').catch((e: unknown) => e);
      expect([fault instanceof TokenError && fault.kind, (fault as Error).message]).toEqual(['transient', 'token endpoint answered without an access_token']);
    } finally {
      await server.close();
    }
  });

  test("the API base URL comes from the entry's token-answer field, and one outside the provider's hosts is refused whole", async () => {
    const server = await recordingServer((_path, request) =>
      request.body.get('refresh_token') === 'foreign' ? [200, { access_token: 'a', api_domain: 'https://evil.example' }] : [200, { access_token: 'a', api_domain: 'https://acme.papyrus.example' }],
    );
    try {
      expect((await refreshAccessToken(papyrus, clientAt(server.url), 'r1')).instanceUrl).toBe('https://acme.papyrus.example');
      const refused = await refreshAccessToken(papyrus, clientAt(server.url), 'foreign').catch((e: unknown) => e);
      expect([refused instanceof TokenError && refused.kind, (refused as Error).message]).toEqual(['rejected', expect.stringMatching(/^token endpoint answered with an api_domain that /)]);
    } finally {
      await server.close();
    }
  });
});

describe('the Authorization scheme', () => {
  test("API calls carry the token in the entry's scheme, Bearer when it names none", async () => {
    const server = await recordingServer(() => [200, {}]);
    try {
      for (const authorizationScheme of ['Papyrus-token', undefined]) {
        const http = createProviderHttpClient({ baseUrl: server.url, accessToken: 'tok', authorizationScheme, urlRules: rules, maxResponseBytes: 1000, errorRules: papyrus.api.errorRules, timeoutMs: 5000 });
        await http.get('/v1/me');
      }
      expect(server.seen.map((request) => request.authorization)).toEqual(['Papyrus-token tok', 'Bearer tok']);
    } finally {
      await server.close();
    }
  });
});

describe('account identity', () => {
  const target = (apiUrl: string, tokenUrl = `${apiUrl}/oauth/token`) => ({ accessToken: 'tok', apiBaseUrl: apiUrl, tokenUrl, urlRules: rules, maxResponseBytes: 1000, authorizationScheme: 'Papyrus-token' });

  test('a token-answer field (with its pattern) asks nobody; otherwise the lookup, with the token in the header or the path', async () => {
    const server = await recordingServer((path) => [200, path === '/v1/me' ? { company_id: 7001 } : { hub: 'h-42' }]);
    try {
      const fromAnswer = { noun: 'company', tokenAnswer: { field: 'owner', pattern: /^company:(?<accountId>\d+)$/ }, lookup: { from: 'api' as const, path: '/v1/me', field: 'company_id' } };
      expect(await identifyAccount(fromAnswer, target(server.url), { owner: 'company:55' })).toBe('55');
      expect(server.seen).toHaveLength(0);
      // The answer does not say: the lookup, relative to the API base, with the provider's scheme.
      expect(await identifyAccount(fromAnswer, target(server.url), { owner: 'user:9' })).toBe('7001');
      // Relative to the token URL's origin, the token in the path and not in a header.
      const tokenInfo = { noun: 'portal', lookup: { from: 'token-url' as const, path: '/oauth/info/{accessToken}', field: 'hub' } };
      expect(await identifyAccount(tokenInfo, target(server.url))).toBe('h-42');
      expect(server.seen.map((request) => [request.path, request.authorization])).toEqual([
        ['/v1/me', 'Papyrus-token tok'],
        ['/oauth/info/tok', undefined],
      ]);
    } finally {
      await server.close();
    }
  });

  test('a lookup path that would leave its host is refused before any request, and no base to ask at is an error', async () => {
    const server = await recordingServer(() => [200, { company_id: 1 }]);
    try {
      const leaving = { noun: 'company', lookup: { from: 'api' as const, path: '//evil.example/me', field: 'company_id' } };
      await expect(identifyAccount(leaving, target(server.url))).rejects.toThrow(/leaves the API host/);
      await expect(identifyAccount(papyrus.accountIdentity, { ...target(server.url), apiBaseUrl: null })).rejects.toThrow(/no API base URL yet/);
      expect(server.seen).toHaveLength(0);
      expect(() => new ProviderCatalog([{ ...papyrus, accountIdentity: leaving }])).toThrow(/lookup.path must be a path starting with one "\/"/);
    } finally {
      await server.close();
    }
  });

  test('at the code exchange, the lookup asks the API host the token answer named', async () => {
    const api = await recordingServer(() => [200, { company_id: 7 }]);
    const accounts = await recordingServer(() => [200, { access_token: 'a', refresh_token: 'r', api_domain: api.url }]);
    try {
      const signedIn = await exchangeAuthorizationCode(papyrus, { ...clientAt(accounts.url), apiBaseUrl: null }, { code: 'c', redirectUri: 'https://app.example/cb' });
      expect([signedIn.accountId, signedIn.instanceUrl]).toEqual(['7', api.url]);
      expect(accounts.seen.map((request) => request.path)).toEqual(['/oauth/token']);
      expect(api.seen.map((request) => [request.path, request.authorization])).toEqual([['/v1/me', 'Papyrus-token a']]);
    } finally {
      await Promise.all([api.close(), accounts.close()]);
    }
  });
});

describe('field-error rules', () => {
  test("match the entry's code (and status when given): an answer that means a field is missing or hidden", () => {
    const error = (status: number, providerCode?: string) => new ProviderError('permanent', 'refused', { status, providerCode });
    expect(isFieldError(papyrus.api.errorRules, error(400, 'UNKNOWN_FIELD'))).toBe(true);
    expect(isFieldError(papyrus.api.errorRules, error(403, 'UNKNOWN_FIELD'))).toBe(false);
    expect(isFieldError(papyrus.api.errorRules, error(400, 'MALFORMED_QUERY'))).toBe(false);
    expect(isFieldError({ fieldErrors: [{ code: 'UNKNOWN_FIELD' }] }, error(422, 'UNKNOWN_FIELD'))).toBe(true);
    expect(isFieldError({}, error(400, 'UNKNOWN_FIELD'))).toBe(false);
  });
});

describe('scopes named again on refresh', () => {
  test('scopeOnRefresh sends the filled-in scopes with a refresh; without it a refresh names none', async () => {
    const server = await recordingServer(() => [200, { access_token: 'a', expires_in: 60 }]);
    try {
      await refreshAccessToken(withOAuth({ scopeOnRefresh: true }), { ...clientAt(server.url), refreshScope: 'https://org.papyrus.example/.default offline_access' }, 'r1');
      await refreshAccessToken(papyrus, { ...clientAt(server.url), refreshScope: 'ignored' }, 'r2');
      expect(server.seen.map((request) => request.body.get('scope'))).toEqual(['https://org.papyrus.example/.default offline_access', null]);
    } finally {
      await server.close();
    }
  });
});

describe('API bases with a path', () => {
  test('a path without a leading "/" resolves under the base path, one with it against the origin; next links keep the origin', async () => {
    const server = await recordingServer(() => [200, { ok: true }]);
    try {
      const http = createProviderHttpClient({ ...clientOptions, baseUrl: `${server.url}/api/data/v9.2` });
      await http.get('contacts', { query: { $top: 1 } });
      await http.get('/other/path');
      await http.get(`${server.url}/api/data/v9.2/contacts?$skiptoken=x`);
      expect(server.seen.map((request) => request.path)).toEqual(['/api/data/v9.2/contacts?%24top=1', '/other/path', '/api/data/v9.2/contacts?$skiptoken=x']);
      await expect(http.get('https://elsewhere.papyrus.example/api/data/v9.2/contacts')).rejects.toThrow(/leaves the API's origin/);
    } finally {
      await server.close();
    }
  });

  test("an account lookup's relative path resolves under the API base's path too", async () => {
    const server = await recordingServer(() => [200, { OrganizationId: 'org-1' }]);
    try {
      const identity = { noun: 'organization', lookup: { from: 'api' as const, path: 'WhoAmI', field: 'OrganizationId' } };
      const target = { accessToken: 'a', apiBaseUrl: `${server.url}/api/data/v9.2`, tokenUrl: `${server.url}/token`, urlRules: rules, maxResponseBytes: 4096 };
      await expect(identifyAccount(identity, target)).resolves.toBe('org-1');
      expect(server.seen.map((request) => request.path)).toEqual(['/api/data/v9.2/WhoAmI']);
      expect(() => new ProviderCatalog([{ ...papyrus, accountIdentity: identity }])).not.toThrow();
      expect(() => new ProviderCatalog([{ ...papyrus, accountIdentity: { ...identity, lookup: { ...identity.lookup, path: 'https://evil.example/x' } } }])).toThrow(/lookup.path/);
    } finally {
      await server.close();
    }
  });
});

const clientOptions = { accessToken: 't', urlRules: rules, maxResponseBytes: 1 << 20, errorRules: papyrus.api.errorRules, timeoutMs: 5000 };
