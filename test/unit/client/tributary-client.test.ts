// The client without a server: the requests it builds from the route table, and how it reads the answers it gets.
import { TributaryApiError, TributaryClient } from '../../../client';

interface SentRequest {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
}

/** A fetch that records each request and answers them all with the same status and body. */
function answering(status: number, body: unknown, contentType = 'application/json') {
  const sent: SentRequest[] = [];
  const fetch = (async (url: URL, init: RequestInit = {}) => {
    sent.push({ url: String(url), method: String(init.method), headers: init.headers as Record<string, string>, body: init.body as string | undefined });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status, headers: { 'content-type': contentType } });
  }) as typeof globalThis.fetch;
  return { fetch, sent };
}

const integration = {
  key: 'sf',
  provider: 'salesforce',
  clientId: 'id',
  scopes: ['api'],
  authorizationUrl: 'https://login.example/authorize',
  tokenUrl: 'https://login.example/token',
  apiBaseUrl: null,
  fields: {},
  connectionCount: 2,
  callbackUrl: 'https://api.example/oauth/callback',
  createdAt: '2024-05-01T10:00:00.000Z',
  updatedAt: '2024-05-01T10:00:00.000Z',
  providerWebhook: { url: 'https://api.example/provider-webhooks/sf/not-a-real-url-secret', previousUrlValidUntil: null, credentials: null },
};

describe('TributaryClient requests', () => {
  it('puts path parameters into the path encoded, under the base URL and its path prefix', async () => {
    const { fetch, sent } = answering(200, integration);
    await new TributaryClient({ baseUrl: 'https://api.example/tributary', secretKey: 'k', fetch }).getIntegration('a b/c');
    expect(sent[0]).toMatchObject({ method: 'GET', url: 'https://api.example/tributary/integrations/a%20b%2Fc' });
  });

  it('sends the query without unset values, and the secret key as a bearer token', async () => {
    const { fetch, sent } = answering(200, { records: [], nextCursor: 'c1.0', hasMore: false });
    await new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'the-key', fetch }).listRecords({
      connectionId: 'acme',
      model: 'contacts',
      cursor: undefined,
      limit: 5,
    });
    expect(sent[0].url).toBe('http://127.0.0.1:1/records?connectionId=acme&model=contacts&limit=5');
    expect(sent[0].headers.authorization).toBe('Bearer the-key');
  });

  it('does not send the secret key to the public routes', async () => {
    const { fetch, sent } = answering(200, { ok: true });
    await new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'the-key', fetch }).health();
    expect(sent[0].headers).not.toHaveProperty('authorization');
  });

  it('sends a JSON body on POST, an empty sync request included', async () => {
    const { fetch, sent } = answering(202, { accepted: true, models: ['contacts'], mode: 'incremental' });
    await new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'k', fetch }).requestSync('acme');
    expect(sent[0]).toMatchObject({ method: 'POST', url: 'http://127.0.0.1:1/connections/acme/sync', body: '{}' });
    expect(sent[0].headers['content-type']).toBe('application/json');
  });
});

describe('TributaryClient answers', () => {
  it('decodes timestamps into Dates', async () => {
    const { fetch } = answering(200, integration);
    const got = await new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'k', fetch }).getIntegration('sf');
    expect(got.createdAt).toEqual(new Date('2024-05-01T10:00:00.000Z'));
  });

  it('turns a status the route does not document into a TributaryApiError carrying the error body', async () => {
    const body = { error: { code: 'conflict', message: 'integration "sf" already exists' } };
    const { fetch } = answering(409, body);
    const error = await new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'k', fetch })
      .createIntegration({ key: 'sf', provider: 'salesforce', clientId: 'id', clientSecret: 's' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TributaryApiError);
    expect(error).toMatchObject({ status: 409, code: 'conflict', body, fields: [], message: 'createIntegration: 409 conflict: integration "sf" already exists' });
  });

  it('still throws a TributaryApiError, with no body, when the error is not from Tributary (a proxy page)', async () => {
    const { fetch } = answering(502, '<html>Bad gateway</html>', 'text/html');
    const error = await new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'k', fetch }).listIntegrations().catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 502, body: null, code: undefined, fields: [] });
  });

  it('rejects an answer that breaks the documented schema instead of returning it mistyped', async () => {
    const { fetch } = answering(200, { integrations: 'none' });
    await expect(new TributaryClient({ baseUrl: 'http://127.0.0.1:1', secretKey: 'k', fetch }).listIntegrations()).rejects.toThrow(
      /listIntegrations: the 200 answer does not match the documented schema/,
    );
  });
});

describe('TributaryClient proxy paths', () => {
  // A path built from user input must never become another Tributary route: URL resolution would turn
  // `proxy/../connections` into `/connections` and send the secret key there.
  it.each([
    ['a dot-dot segment', '../connections'],
    ['a dot-dot segment after a real one', '/crm/v3/../../connections/acme'],
    ['a percent-encoded dot-dot', '/%2e%2e/connections'],
    ['an upper-case, half-encoded dot-dot', '/crm/.%2E/%2E./integrations'],
    ['a single-dot segment', '/crm/./v3/objects'],
    ['a backslash, which URLs read as a slash', '/crm\\..\\connections'],
    ['a tab inside a dot-dot, which URL parsing drops', '/.\t./connections'],
  ])('refuses a path with %s, before sending anything', async (_what, path) => {
    const { fetch, sent } = answering(200, {});
    const client = new TributaryClient({ baseUrl: 'https://api.example/tributary', secretKey: 'the-key', fetch });
    await expect(client.proxy({ connectionId: 'c1', method: 'GET', path })).rejects.toThrow(/^proxy: path/);
    expect(sent).toEqual([]);
  });

  it('sends dots inside segment names, percent-encoded slashes and a query with dots or backslashes under /proxy', async () => {
    const { fetch, sent } = answering(200, {});
    const client = new TributaryClient({ baseUrl: 'https://api.example/tributary', secretKey: 'the-key', fetch });
    await client.proxy({ connectionId: 'c1', method: 'GET', path: '/services/data/v59.0/sobjects/a..b/x%2F..' });
    await client.proxy({ connectionId: 'c1', method: 'GET', path: "/services/data/v59.0/query?q=SELECT+Id+FROM+Contact+WHERE+LastName='O\\'Brien'+AND+x='../..'" });
    expect(sent.map((request) => request.url)).toEqual([
      'https://api.example/tributary/proxy/services/data/v59.0/sobjects/a..b/x%2F..',
      'https://api.example/tributary/proxy/services/data/v59.0/query?q=SELECT+Id+FROM+Contact+WHERE+LastName=%27O\\%27Brien%27+AND+x=%27../..%27',
    ]);
  });
});
