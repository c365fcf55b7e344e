// A token host named by the OAuth callback (Zoho's `accounts-server`): which ones are accepted, where the connection's
// token requests then go, and which API base a token answer may pair with it, by data centre, as catalog data.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exchangeAuthorizationCode, refreshAccessToken, TokenError } from '../../oauth/token-client';
import { assertSameDataCentre, checkedTokenHost, connectionTokenUrl } from '../../oauth/token-host';
import { ProviderCatalog } from '../../providers/catalog';
import type { ProviderDefinition } from '../../providers/provider-definition';
import { zoho } from '../../providers/zoho/zoho.provider';
import { papyrus } from '../support/papyrus/papyrus.provider';

const dataCentres = zoho.oauth.tokenHostFromCallback!;
const strict = new ProviderCatalog([zoho]).urlRules('zoho');
const development = new ProviderCatalog([zoho]).withUrlPolicy({ allowLoopback: true }).urlRules('zoho');

describe('the token host a callback names', () => {
  test("is accepted as an origin when it is a data centre's accounts server", () => {
    expect(checkedTokenHost(dataCentres, strict, 'https://accounts.zoho.eu')).toBe('https://accounts.zoho.eu');
    expect(checkedTokenHost(dataCentres, strict, 'https://accounts.zohocloud.ca/')).toBe('https://accounts.zohocloud.ca');
  });

  test.each([
    ['a host outside the rules', 'https://accounts.zoho.example.com', /must be on a zoho host/],
    ["an API domain, on the rules but no data centre's token host", 'https://www.zohoapis.eu', /not the token host of any zoho data centre/],
    ['a path', 'https://accounts.zoho.eu/oauth/v2/token', /origin only/],
    ['a query', 'https://accounts.zoho.eu/?x=1', /origin only/],
    ['plain http', 'http://accounts.zoho.eu', /https/],
    ['credentials', 'https://user:pw@accounts.zoho.eu', /user name or password/],
    ['a loopback address, in production', 'http://127.0.0.1:8080', /loopback/],
    ['an internal address', 'https://10.0.0.1', /not a private/],
    ['no URL at all', 'accounts.zoho.eu', /not a URL/],
  ])('is refused when it is %s', (_what, raw, reason) => {
    expect(() => checkedTokenHost(dataCentres, strict, raw)).toThrow(reason);
  });

  test('replaces the origin of the integration token URL, keeping its path, and nothing else', () => {
    expect(connectionTokenUrl('https://accounts.zoho.com/oauth/v2/token', 'https://accounts.zoho.eu')).toBe('https://accounts.zoho.eu/oauth/v2/token');
    expect(connectionTokenUrl('http://127.0.0.1:4000/oauth/v2/token', 'http://127.0.0.2:5000')).toBe('http://127.0.0.2:5000/oauth/v2/token');
    expect(connectionTokenUrl('https://accounts.zoho.com/oauth/v2/token', null)).toBe('https://accounts.zoho.com/oauth/v2/token');
  });
});

describe('the API base a token host may pair with', () => {
  test("is one of the same data centre's API hosts", () => {
    expect(() => assertSameDataCentre(dataCentres, strict, 'https://accounts.zoho.eu/oauth/v2/token', 'https://www.zohoapis.eu')).not.toThrow();
    expect(() => assertSameDataCentre(dataCentres, strict, 'https://accounts.zohocloud.ca/oauth/v2/token', 'https://sandbox.zohoapis.ca')).not.toThrow();
    expect(() => assertSameDataCentre(dataCentres, strict, 'https://accounts.zoho.eu/oauth/v2/token', 'https://www.zohoapis.com')).toThrow(/data centre of its token host \(eu\)/);
    expect(() => assertSameDataCentre(dataCentres, strict, 'https://accounts.zoho.com/oauth/v2/token', 'https://www.zohoapis.com.au')).toThrow(/\(us\)/);
  });

  test('under a development policy, a loopback token host pairs with an API base on the same address only', () => {
    expect(() => assertSameDataCentre(dataCentres, development, 'http://127.0.0.2:4000/oauth/v2/token', 'http://127.0.0.2:4001')).not.toThrow();
    expect(() => assertSameDataCentre(dataCentres, development, 'http://127.0.0.2:4000/oauth/v2/token', 'http://127.0.0.1:4001')).toThrow(/loopback address 127\.0\.0\.2/);
    expect(() => assertSameDataCentre(dataCentres, development, 'http://127.0.0.1:4000/oauth/v2/token', 'https://www.zohoapis.com')).toThrow(/data centre/);
  });
});

describe('the catalog', () => {
  const withDataCentres = (change: Partial<NonNullable<ProviderDefinition['oauth']['tokenHostFromCallback']>>, oauth: Partial<ProviderDefinition['oauth']> = {}) => ({
    ...papyrus,
    oauth: {
      ...papyrus.oauth,
      ...oauth,
      tokenHostFromCallback: { queryParameter: 'auth-server', dataCentres: [{ name: 'one', tokenHosts: ['auth.papyrus.example'], apiHosts: ['*.papyrus.example'] }], ...change },
    },
  });

  test('accepts data centres whose token hosts include the token URL', () => {
    expect(() => new ProviderCatalog([withDataCentres({})])).not.toThrow();
  });

  test.each([
    ['no data centre', withDataCentres({ dataCentres: [] }), /at least one data centre/],
    ['an invalid host pattern', withDataCentres({ dataCentres: [{ name: 'one', tokenHosts: ['auth.papyrus.example'], apiHosts: ['a.*.example'] }] }), /not a host pattern/],
    ["a token URL that is no data centre's token host", withDataCentres({ dataCentres: [{ name: 'one', tokenHosts: ['other.papyrus.example'], apiHosts: ['*.papyrus.example'] }] }), /exactly one data centre/],
    ['no API base from the token answer to pair', { ...withDataCentres({}, { apiBaseUrlField: undefined }), api: { ...papyrus.api, baseUrl: 'https://api.papyrus.example' } }, /needs oauth\.apiBaseUrlField/],
    ['two data centres of one name', withDataCentres({ dataCentres: [{ name: 'one', tokenHosts: ['auth.papyrus.example'], apiHosts: ['x.papyrus.example'] }, { name: 'one', tokenHosts: ['b.papyrus.example'], apiHosts: ['y.papyrus.example'] }] }), /unique/],
  ])('refuses %s, loudly at load', (_what, provider, reason) => {
    expect(() => new ProviderCatalog([provider as ProviderDefinition])).toThrow(reason);
  });
});

describe('token answers of a token host with data centres', () => {
  /** A loopback token endpoint on `address` answering the given API base. */
  async function tokenEndpoint(address: string, apiDomain: () => string) {
    const paths: string[] = [];
    const server: Server = createServer((req, res) => {
      paths.push(req.url ?? '');
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ access_token: 'a', refresh_token: 'r', api_domain: apiDomain(), expires_in: 3600 })));
    });
    await new Promise<void>((resolve) => server.listen(0, address, resolve));
    return { url: `http://${address}:${(server.address() as AddressInfo).port}`, paths, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
  }

  const provider = { ...zoho, accountIdentity: { noun: 'org', tokenAnswer: { field: 'org_id' } } };

  test('pair with an API domain on the same data centre, for the code exchange and every refresh', async () => {
    let apiDomain = 'http://127.0.0.2:9';
    const endpoint = await tokenEndpoint('127.0.0.2', () => apiDomain);
    try {
      const client = { clientId: 'c', clientSecret: 's', tokenUrl: `${endpoint.url}/oauth/v2/token`, urlRules: development };
      expect((await exchangeAuthorizationCode(provider, client, { code: 'x', redirectUri: 'https://app.example/cb' })).instanceUrl).toBe('http://127.0.0.2:9');
      expect((await refreshAccessToken(provider, client, 'r')).instanceUrl).toBe('http://127.0.0.2:9');
      // Another data centre's API domain (here: another loopback address) is refused whole, at refresh as at sign-in.
      apiDomain = 'http://127.0.0.1:9';
      const refused = await refreshAccessToken(provider, client, 'r').catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(TokenError);
      expect((refused as TokenError).kind).toBe('rejected');
      expect((refused as TokenError).message).toMatch(/api_domain that is not an API host of the data centre of its token host/);
      expect(endpoint.paths).toEqual(['/oauth/v2/token', '/oauth/v2/token', '/oauth/v2/token']);
    } finally {
      await endpoint.close();
    }
  });

  test('"Access Denied" (too many tokens minted) is a refusal to retry later, not a dead grant', async () => {
    const server: Server = createServer((req, res) => req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"error":"Access Denied"}')));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    try {
      const tokenUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/oauth/v2/token`;
      const refused = await refreshAccessToken(provider, { clientId: 'c', clientSecret: 's', tokenUrl, urlRules: development }, 'r').catch((error: unknown) => error);
      expect([(refused as TokenError).kind, (refused as TokenError).message]).toEqual(['transient', 'token endpoint refused: Access Denied']);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });
});
