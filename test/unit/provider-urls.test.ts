// Where provider credentials may be sent: the URL rules, judged without sending a packet anywhere.
import { providerCatalog } from '../../providers/catalog';
import { ProviderUrlRules, UrlRefusedError, hostPatternRegExp, isInternalAddress, type HostResolver } from '../../security/provider-urls';

const strict = providerCatalog;
const dev = providerCatalog.withUrlPolicy({ allowLoopback: true });

function refusal(rules: ProviderUrlRules, url: string): string | null {
  try {
    rules.check(url);
    return null;
  } catch (error) {
    if (!(error instanceof UrlRefusedError)) throw error;
    return error.message;
  }
}

describe('provider URL rules', () => {
  test('Salesforce: its login, My Domain, sandbox and force.com hosts over https are allowed', () => {
    for (const url of [
      'https://login.salesforce.com/services/oauth2/token',
      'https://test.salesforce.com/services/oauth2/authorize',
      'https://acme.my.salesforce.com',
      'https://acme--uat.sandbox.my.salesforce.com/services/data/v60.0/query',
      'https://na139.salesforce.com',
      'https://acme.lightning.force.com',
      'https://LOGIN.SALESFORCE.COM./x',
    ]) {
      expect([url, refusal(strict.urlRules('salesforce'), url)]).toEqual([url, null]);
    }
  });

  test('HubSpot: api.hubapi.com, regional API hosts and app.hubspot.com are allowed', () => {
    for (const url of ['https://api.hubapi.com/oauth/v1/token', 'https://api-eu1.hubapi.com', 'https://app.hubspot.com/oauth/authorize', 'https://app-eu1.hubspot.com/oauth/authorize']) {
      expect([url, refusal(strict.urlRules('hubspot'), url)]).toEqual([url, null]);
    }
  });

  test('internal, foreign and disguised targets are refused, each with the rule it breaks', () => {
    const cases: [string, RegExp][] = [
      ['http://169.254.169.254/latest/meta-data/', /https/],
      ['https://169.254.169.254/latest/meta-data/', /internal address/],
      ['http://[fe80::1]/', /https/],
      ['https://[fe80::1]/', /internal address/],
      ['https://10.0.0.1/', /internal address/],
      ['https://192.168.1.10/', /internal address/],
      ['https://[fd00::1]/', /internal address/],
      ['https://[::ffff:169.254.169.254]/', /internal address/],
      ['https://[::ffff:a9fe:a9fe]/', /internal address/],
      ['https://8.8.8.8/', /not an IP address/],
      ['https://evil.example/', /salesforce host/],
      ['https://login.salesforce.com.evil.com/', /salesforce host/],
      ['https://salesforce.com/', /salesforce host/],
      ['https://evilsalesforce.com/', /salesforce host/],
      ['https://x@evil.example/', /user name or password/],
      ['https://login.salesforce.com@evil.example/', /user name or password/],
      ['https://user:pw@login.salesforce.com/', /user name or password/],
      ['http://login.salesforce.com/', /https/],
      ['ftp://login.salesforce.com/', /https/],
      ['not a url', /not a URL/],
      // Loopback in every spelling, refused without the development allowance.
      ['http://127.0.0.1:8080/', /loopback/],
      ['https://127.1.2.3/', /loopback/],
      ['http://2130706433/', /loopback/],
      ['http://0x7f000001/', /loopback/],
      ['http://[::1]/', /loopback/],
      ['http://[::ffff:127.0.0.1]/', /loopback/],
      ['http://localhost:3000/', /loopback/],
    ];
    for (const [url, reason] of cases) {
      const message = refusal(strict.urlRules('salesforce'), url);
      expect([url, message]).toEqual([url, expect.stringMatching(reason)]);
    }
  });

  test('HubSpot hosts are not Salesforce hosts, and the reverse', () => {
    expect(refusal(strict.urlRules('salesforce'), 'https://api.hubapi.com/')).toMatch(/salesforce host/);
    expect(refusal(strict.urlRules('hubspot'), 'https://login.salesforce.com/')).toMatch(/hubspot host/);
    expect(refusal(strict.urlRules('hubspot'), 'https://evil-api.hubapi.com.example/')).toMatch(/hubspot host/);
  });

  test('the development allowance admits loopback (http too) and nothing else', () => {
    const rules = dev.urlRules('salesforce');
    for (const url of ['http://127.0.0.1:4010/services/oauth2/token', 'http://[::1]:4010/', 'http://localhost:4010/']) {
      expect([url, refusal(rules, url)]).toEqual([url, null]);
    }
    for (const url of ['http://169.254.169.254/', 'http://10.0.0.1/', 'http://[fe80::1]/', 'https://evil.example/', 'http://x@127.0.0.1/']) {
      expect([url, refusal(rules, url)]).toEqual([url, expect.any(String)]);
    }
  });

  test('an operator can add hosts for one provider', () => {
    const catalog = providerCatalog.withUrlPolicy({ extraHosts: { salesforce: ['*.sf-proxy.example'] } });
    expect(refusal(catalog.urlRules('salesforce'), 'https://eu.sf-proxy.example/')).toBeNull();
    expect(refusal(catalog.urlRules('hubspot'), 'https://eu.sf-proxy.example/')).toMatch(/hubspot host/);
    expect(() => providerCatalog.withUrlPolicy({ extraHosts: { copper: ['x.example'] } })).toThrow(/unknown provider "copper"/);
  });

  test('host patterns: a leading * spans labels, an inner * one label, nothing else', () => {
    expect(hostPatternRegExp('*.salesforce.com').test('a.b.salesforce.com')).toBe(true);
    expect(hostPatternRegExp('*.salesforce.com').test('salesforce.com')).toBe(false);
    expect(hostPatternRegExp('api-*.hubapi.com').test('api-eu1.hubapi.com')).toBe(true);
    expect(hostPatternRegExp('api-*.hubapi.com').test('api-eu1.evil.hubapi.com')).toBe(false);
    expect(() => hostPatternRegExp('com')).toThrow(/not a host pattern/);
    expect(() => hostPatternRegExp('a.*.com')).toThrow(/not a host pattern/);
  });

  test('internal addresses include IPv4-mapped, NAT64 and 6to4 forms', () => {
    for (const address of ['127.0.0.1', '10.1.2.3', '172.16.0.1', '100.64.0.1', '169.254.169.254', '::1', 'fe80::1', 'fc00::1', '::ffff:10.0.0.1', '64:ff9b::a9fe:a9fe', '2002:a9fe:a9fe::1', '0.0.0.0', '::']) {
      expect([address, isInternalAddress(address)]).toEqual([address, true]);
    }
    for (const address of ['8.8.8.8', '2606:4700::1111', '::ffff:8.8.8.8']) expect([address, isInternalAddress(address)]).toEqual([address, false]);
  });

  describe('resolved addresses, at connect time (a fake resolver: no DNS query leaves the machine)', () => {
    const rulesResolvingTo = (addresses: string[], allowLoopback = false) => {
      const asked: string[] = [];
      const resolver: HostResolver = async (host) => {
        asked.push(host);
        return addresses;
      };
      return { rules: new ProviderUrlRules('salesforce', ['*.salesforce.com'], { allowLoopback, extraHosts: {}, resolver }), asked };
    };

    test('a permitted name that resolves to a public address passes', async () => {
      const { rules, asked } = rulesResolvingTo(['13.110.0.1']);
      await expect(rules.checkBeforeConnect('https://acme.my.salesforce.com/')).resolves.toBeInstanceOf(URL);
      expect(asked).toEqual(['acme.my.salesforce.com']);
    });

    test('a permitted name pointed at the metadata service, a private or a loopback address is refused', async () => {
      for (const address of ['169.254.169.254', '10.0.0.7', '127.0.0.1', 'fe80::1', '::ffff:192.168.0.1']) {
        const { rules } = rulesResolvingTo(['13.110.0.1', address]);
        await expect(rules.checkBeforeConnect('https://acme.my.salesforce.com/')).rejects.toThrow(/resolves to a private, loopback or link-local address/);
      }
    });

    test('loopback resolutions pass only under the development allowance', async () => {
      await expect(rulesResolvingTo(['127.0.0.1'], true).rules.checkBeforeConnect('https://acme.my.salesforce.com/')).resolves.toBeInstanceOf(URL);
    });

    test('a name outside the rules is refused before any resolution', async () => {
      const { rules, asked } = rulesResolvingTo(['13.110.0.1']);
      await expect(rules.checkBeforeConnect('https://evil.example/')).rejects.toThrow(UrlRefusedError);
      expect(asked).toEqual([]);
    });
  });

  test('the catalog refuses a provider whose own URLs break its host rules', () => {
    const salesforce = providerCatalog.get('salesforce');
    const broken = { ...salesforce, oauth: { ...salesforce.oauth, tokenUrl: 'https://login.evil.example/token' } };
    expect(() => new (providerCatalog.constructor as new (p: unknown[]) => unknown)([broken])).toThrow(/login\.evil\.example.*must be on a salesforce host/);
  });
});
