// The provider URLs the OpenAPI document declares: the catalog's own hosts, and never a URL the catalog would refuse.
import { providerUrlPattern } from '../../../api/provider-url-pattern';
import { providerCatalog } from '../../../providers/catalog';
import { UrlRefusedError } from '../../../security/provider-urls';
import { papyrus } from '../../support/papyrus/papyrus.provider';

const PROVIDER_KEYS = providerCatalog.keys();
/** The pattern of one provider's own hosts, as the document's variant for it states them. */
const ownUrlPattern = (key: string) => providerUrlPattern(providerCatalog.get(key).hosts);

/** The production rules: no loopback, no operator hosts. Everything the document admits must pass these. */
function accepted(provider: string, url: string): boolean {
  try {
    providerCatalog.urlRules(provider).check(url);
    return true;
  } catch (error) {
    if (!(error instanceof UrlRefusedError)) throw error;
    return false;
  }
}

/** A small deterministic generator (mulberry32), so a failure names a URL that fails again. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('the provider URLs the document declares', () => {
  test("state every catalog entry's host patterns, a sixth provider's too, and refuse one they cannot state", () => {
    for (const { key, hosts } of [...PROVIDER_KEYS.map((k) => providerCatalog.get(k)), papyrus]) {
      const pattern = new RegExp(providerUrlPattern(hosts));
      const example = `https://${hosts[hosts.length - 1].replace(/\*/g, 'acme')}/path`;
      expect([key, example, pattern.test(example)]).toEqual([key, example, true]);
    }
    expect(() => providerUrlPattern(['api*x.example.com'])).toThrow(/cannot state the label "api\*x"/);
  });

  test("admit the providers' real URLs, the catalog's own defaults included, and nothing of another provider", () => {
    const real: Record<string, string[]> = {
      salesforce: [
        'https://login.salesforce.com/services/oauth2/authorize',
        'https://test.salesforce.com/services/oauth2/token',
        'https://acme--uat.sandbox.my.salesforce.com/services/data/v60.0/query?q=SELECT+Id#top',
        'https://acme.lightning.force.com:443',
      ],
      hubspot: ['https://api.hubapi.com/oauth/v1/token', 'https://api-eu1.hubapi.com', 'https://app-eu1.hubspot.com/oauth/authorize'],
      zoho: ['https://accounts.zoho.eu/oauth/v2/token', 'https://www.zohoapis.com.au/crm/v8/Contacts', 'https://accounts.zohocloud.ca', 'https://sandbox.zohoapis.com'],
      dynamics: ['https://login.microsoftonline.com/organizations/oauth2/v2.0/token', 'https://contoso.crm4.dynamics.com/api/data/v9.2/contacts', 'https://contoso.api.crm.dynamics.com'],
      pipedrive: ['https://oauth.pipedrive.com/oauth/token', 'https://acme.pipedrive.com/api/v2/persons?limit=500&cursor=abc', 'https://initech-eu.pipedrive.com'],
    };
    for (const key of PROVIDER_KEYS) {
      const provider = providerCatalog.get(key);
      const own = new RegExp(ownUrlPattern(key));
      // A template naming a connect input ({environmentUrl}/api/data/v9.2) is a URL only once filled in: `real` has those.
      const defaults = [provider.oauth.authorizationUrl, provider.oauth.tokenUrl, provider.api.baseUrl ?? []].flat().filter((url) => !url.includes('{'));
      for (const url of [...real[key], ...defaults]) {
        expect([key, url, own.test(url), accepted(key, url)]).toEqual([key, url, true, true]);
      }
      for (const other of PROVIDER_KEYS.filter((k) => k !== key)) {
        for (const url of real[other]) expect([key, url, own.test(url)]).toEqual([key, url, false]);
      }
    }
  });

  test('refuse what the catalog refuses or the URL parser cannot read', () => {
    const pattern = new RegExp(providerUrlPattern(PROVIDER_KEYS.flatMap((key) => providerCatalog.get(key).hosts)));
    for (const url of [
      'http://login.salesforce.com/',
      'https://salesforce.com/',
      'https://login.salesforce.com.evil.example/',
      'https://user:secret@login.salesforce.com/',
      'https://login.salesforce.com./',
      'https://xn--a.salesforce.com/', // not punycode: the URL parser refuses it
      'https://api-.hubapi.com/x y',
      'https://api.hubapi.com:65536/',
      'https://169.254.169.254/latest',
    ]) {
      expect([url, pattern.test(url)]).toEqual([url, false]);
    }
  });

  test('admit only URLs the catalog accepts, over 20,000 generated near-misses', () => {
    // Hosts and paths built from the characters the pattern deals in, each ending on one of the provider's hosts.
    const next = random(25);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)];
    const labelChars = [...'abnx09-'];
    const label = () => Array.from({ length: 1 + Math.floor(next() * 6) }, () => pick(labelChars)).join('');
    const tails = ['', '/', '/a/b', '?q=1', '#f', ':443', ':0', ':99999', '/%zz', '/a b', '@x', '/\u0000'];
    let admitted = 0;
    for (let i = 0; i < 20_000; i++) {
      const key = pick(PROVIDER_KEYS);
      const host = pick(providerCatalog.get(key).hosts).replace(/\*/g, () => Array.from({ length: 1 + Math.floor(next() * 3) }, label).join(pick(['.', '-', ''])));
      const url = `${pick(['https://', 'https://', 'http://', 'https://x@'])}${host}${pick(tails)}`;
      if (!new RegExp(ownUrlPattern(key)).test(url)) continue;
      admitted++;
      expect([url, accepted(key, url), URL.canParse(url)]).toEqual([url, true, true]);
    }
    // Enough of them were admitted for the check to mean something.
    expect(admitted).toBeGreaterThan(2_000);
  });
});
