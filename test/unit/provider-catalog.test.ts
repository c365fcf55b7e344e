import { PROVIDER_KEYS } from '../../contracts/provider-keys';
import { accountIdInAnswer, readAccountId } from '../../oauth/account-identity';
import { ProviderCatalog, providerCatalog } from '../../providers/catalog';
import { hubspot } from '../../providers/hubspot/hubspot.provider';
import { salesforce } from '../../providers/salesforce/salesforce.provider';

describe('provider catalog', () => {
  it('loads Salesforce with contacts and accounts', () => {
    expect(providerCatalog.keys()).toContain('salesforce');
    expect(providerCatalog.get('salesforce').syncs.map((s) => s.model)).toEqual(['contacts', 'accounts']);
  });

  it('the API names exactly the providers the catalog holds', () => {
    expect([...PROVIDER_KEYS].sort()).toEqual(providerCatalog.keys().sort());
  });

  it("reads the account id where each provider's entry says: Salesforce's org from the identity URL, HubSpot's hub_id", () => {
    const identityUrl = 'https://login.salesforce.com/id/00D5e000000AbCdEAF/0055e000001XyZwAAK';
    expect(accountIdInAnswer(salesforce.accountIdentity, { id: identityUrl })).toBe('00D5e000000AbCdEAF');
    expect(accountIdInAnswer(salesforce.accountIdentity, { id: 'https://login.salesforce.com/services/oauth2/token' })).toBeNull();
    expect(accountIdInAnswer(hubspot.accountIdentity, { hub_id: 62515 })).toBe('62515');
    expect(accountIdInAnswer(hubspot.accountIdentity, {})).toBeNull();
    expect(readAccountId(2 ** 53)).toBeNull();
    const unnamed = { ...salesforce.accountIdentity, tokenAnswer: { field: 'id', pattern: /\/id\/(\w+)/ } };
    expect(() => new ProviderCatalog([{ ...salesforce, accountIdentity: unnamed }])).toThrow(/named group "accountId"/);
    expect(() => new ProviderCatalog([{ ...salesforce, accountIdentity: { noun: 'organization' } }])).toThrow(/needs tokenAnswer, lookup or both/);
  });

  it('fails loudly on a broken entry instead of skipping it', () => {
    expect(() => new ProviderCatalog([salesforce, salesforce])).toThrow(/duplicate provider/);
    expect(() => new ProviderCatalog([{ ...salesforce, oauth: { ...salesforce.oauth, tokenUrl: 'not a url' } }])).toThrow(/not a URL/);
    const badSync = { ...salesforce.syncs[0], defaultFrequency: 'often' };
    expect(() => new ProviderCatalog([{ ...salesforce, syncs: [badSync] }])).toThrow(/invalid defaultFrequency/);
  });
});
