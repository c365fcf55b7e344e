import { openApiDocument } from '../../api/openapi';
import { createIntegrationBody } from '../../api/schemas';
import { accountIdInAnswer, readAccountId } from '../../oauth/account-identity';
import { ProviderCatalog, providerCatalog } from '../../providers/catalog';
import { hubspot } from '../../providers/hubspot/hubspot.provider';
import { salesforce } from '../../providers/salesforce/salesforce.provider';
import { papyrus } from '../support/papyrus/papyrus.provider';

describe('provider catalog', () => {
  it('loads Salesforce with contacts and accounts', () => {
    expect(providerCatalog.keys()).toContain('salesforce');
    expect(providerCatalog.get('salesforce').syncs.map((s) => s.model)).toEqual(['contacts', 'accounts']);
  });

  it('the OpenAPI document names exactly the providers of the catalog it is built with; the schemas name none', () => {
    type Registration = { oneOf: { properties: { provider: { const: string } } }[] };
    const documented = (catalog: ProviderCatalog) =>
      (openApiDocument(catalog).components.schemas.CreateIntegrationRequest as Registration).oneOf.map((variant) => variant.properties.provider.const);
    expect(documented(providerCatalog)).toEqual(providerCatalog.keys());
    const withSixth = new ProviderCatalog([...providerCatalog.keys().map((key) => providerCatalog.get(key)), papyrus]);
    expect(documented(withSixth)).toEqual([...providerCatalog.keys(), 'papyrus']);
    // The client's schema takes any well-formed key: which exist is the server's to say (a 404).
    const registration = { key: 'app', clientId: 'c', clientSecret: 's' };
    expect(createIntegrationBody.safeParse({ ...registration, provider: 'papyrus' }).success).toBe(true);
    expect(createIntegrationBody.safeParse({ ...registration, provider: 'not a key' }).success).toBe(false);
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
