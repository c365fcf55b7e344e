// Connect inputs (a value asked before sign-in, like Dynamics' environment URL): how the catalog checks an entry that
// declares them, how a value is checked and normalised, and how it is filled into the entry's templates.
import { ProviderCatalog } from '../../../providers/catalog';
import { checkConnectInputs, ConnectInputError, connectionOAuthTargets, connectionOwnApiBase, fillConnectInputs } from '../../../providers/connect-inputs';
import type { ConnectInput, ProviderDefinition } from '../../../providers/provider-definition';
import { STRICT_URL_POLICY } from '../../../security/provider-urls';
import { papyrus } from '../../support/papyrus/papyrus.provider';

const environmentUrl: ConnectInput = { name: 'environmentUrl', label: 'Your environment URL', kind: 'url', example: 'https://contoso.crm.papyrus.example', hosts: ['*.crm.papyrus.example'] };

/** Papyrus as a provider whose scope and API base name the customer's environment. */
const withEnvironment: ProviderDefinition = {
  ...papyrus,
  connectInputs: [environmentUrl],
  oauth: { ...papyrus.oauth, defaultScopes: ['{environmentUrl}/.default', 'offline_access'] },
  api: { ...papyrus.api, baseUrl: '{environmentUrl}/api/data/v9.2' },
};

describe('the catalog and connect inputs', () => {
  test('accepts an entry whose templates name its inputs, with examples its own rules allow', () => {
    expect(() => new ProviderCatalog([withEnvironment])).not.toThrow();
  });

  test('refuses a template naming no declared input, bad names, duplicates, and examples or hosts off the rules', () => {
    const refused = (change: Partial<ProviderDefinition>) => () => new ProviderCatalog([{ ...withEnvironment, ...change }]);
    expect(refused({ api: { ...withEnvironment.api, baseUrl: '{orgUrl}/api' } })).toThrow(/\{orgUrl\} names no connect input/);
    expect(refused({ connectInputs: undefined })).toThrow(/\{environmentUrl\} names no connect input \(declared: none\)/);
    expect(refused({ connectInputs: [{ ...environmentUrl, name: 'Environment-url' }] })).toThrow(/must be letters and digits/);
    expect(refused({ connectInputs: [environmentUrl, environmentUrl] })).toThrow(/duplicate connect input "environmentUrl"/);
    expect(refused({ connectInputs: [{ ...environmentUrl, example: 'https://contoso.elsewhere.example' }] })).toThrow(/example .* must be on a papyrus host/);
    expect(refused({ connectInputs: [{ ...environmentUrl, example: 'https://contoso.crm.papyrus.example/path' }] })).toThrow(/must be an origin alone/);
    expect(refused({ connectInputs: [{ ...environmentUrl, hosts: ['*.elsewhere.example'] }] })).toThrow(/not one of the provider's hosts/);
  });
});

describe('checking a connect input', () => {
  const check = (given: Record<string, string>, policy = STRICT_URL_POLICY) => checkConnectInputs(withEnvironment, policy, given);
  const refusal = (given: Record<string, string>) => {
    try {
      check(given);
    } catch (error) {
      if (error instanceof ConnectInputError) return [error.input, error.message];
      throw error;
    }
    return null;
  };

  test('keeps the origin of a URL on its hosts, adding https to a bare host name', () => {
    expect(check({ environmentUrl: 'https://Contoso.CRM.papyrus.example/' })).toEqual({ environmentUrl: 'https://contoso.crm.papyrus.example' });
    expect(check({ environmentUrl: ' fabrikam.crm.papyrus.example ' })).toEqual({ environmentUrl: 'https://fabrikam.crm.papyrus.example' });
  });

  test('refuses, naming the input: missing, off its hosts (even on the provider\'s others), http, a path, a query, credentials, unknown names', () => {
    expect(refusal({})).toEqual(['environmentUrl', expect.stringMatching(/Your environment URL is required \(for example https:\/\/contoso/)]);
    expect(refusal({ environmentUrl: 'https://auth.papyrus.example' })).toEqual(['environmentUrl', expect.stringMatching(/must be on a papyrus host \(\*\.crm\.papyrus\.example\)/)]);
    expect(refusal({ environmentUrl: 'https://evil.example' })).toEqual(['environmentUrl', expect.stringMatching(/must be on a papyrus host/)]);
    expect(refusal({ environmentUrl: 'http://contoso.crm.papyrus.example' })).toEqual(['environmentUrl', expect.stringMatching(/must be an https URL/)]);
    expect(refusal({ environmentUrl: 'https://contoso.crm.papyrus.example/main.aspx' })).toEqual(['environmentUrl', expect.stringMatching(/with nothing after the host name/)]);
    expect(refusal({ environmentUrl: 'https://contoso.crm.papyrus.example/?x=1' })).toEqual(['environmentUrl', expect.stringMatching(/with nothing after the host name/)]);
    expect(refusal({ environmentUrl: 'https://me:pw@contoso.crm.papyrus.example' })).toEqual(['environmentUrl', expect.stringMatching(/user name or password/)]);
    expect(refusal({ environmentUrl: 'https://127.0.0.1:8443' })).toEqual(['environmentUrl', expect.stringMatching(/loopback/)]);
    expect(refusal({ environmentUrl: 'https://contoso.crm.papyrus.example', orgUrl: 'x' })).toEqual(['orgUrl', expect.stringMatching(/does not ask for "orgUrl" \(it asks for environmentUrl\)/)]);
  });

  test('loopback only where the policy allows it (development stacks), plain http included', () => {
    expect(check({ environmentUrl: 'http://127.0.0.1:40123' }, { ...STRICT_URL_POLICY, allowLoopback: true })).toEqual({ environmentUrl: 'http://127.0.0.1:40123' });
  });

  test('partial: an app pre-filling only some inputs is checked on those', () => {
    expect(checkConnectInputs(withEnvironment, STRICT_URL_POLICY, {}, { partial: true })).toEqual({});
    expect(() => checkConnectInputs(withEnvironment, STRICT_URL_POLICY, { environmentUrl: 'https://evil.example' }, { partial: true })).toThrow(ConnectInputError);
  });
});

describe('filling the templates', () => {
  test("a connection's scopes, URLs and API base come from its inputs; a provider without inputs keeps its own", () => {
    const values = { environmentUrl: 'https://contoso.crm.papyrus.example' };
    const integration = { authorizationUrl: 'https://auth.papyrus.example/organizations/authorize', tokenUrl: 'https://auth.papyrus.example/organizations/token', scopes: withEnvironment.oauth.defaultScopes };
    expect(connectionOAuthTargets(withEnvironment, integration, values)).toEqual({
      authorizationUrl: integration.authorizationUrl,
      tokenUrl: integration.tokenUrl,
      scopes: ['https://contoso.crm.papyrus.example/.default', 'offline_access'],
      apiBaseUrl: 'https://contoso.crm.papyrus.example/api/data/v9.2',
    });
    expect(connectionOAuthTargets(papyrus, { ...integration, scopes: ['notes:read'] }, {}).apiBaseUrl).toBeNull();
    expect(() => fillConnectInputs('{environmentUrl}/x', {})).toThrow(/no value for the connect input \{environmentUrl\}/);
  });

  test("the connection's own API host: the token answer's, else its inputs', else none (the integration's or provider's then)", () => {
    const targets = { apiBaseUrl: 'https://contoso.crm.papyrus.example/api/data/v9.2' };
    expect(connectionOwnApiBase('https://eu.papyrus.example', targets)).toBe('https://eu.papyrus.example');
    expect(connectionOwnApiBase(undefined, targets)).toBe(targets.apiBaseUrl);
    expect(connectionOwnApiBase(null, { apiBaseUrl: null })).toBeNull();
  });
});
