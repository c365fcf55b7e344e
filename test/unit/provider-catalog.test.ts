import { ProviderCatalog, providerCatalog } from '../../providers/catalog';
import { salesforce } from '../../providers/salesforce/salesforce.provider';

describe('provider catalog', () => {
  it('loads Salesforce with contacts and accounts', () => {
    expect(providerCatalog.keys()).toContain('salesforce');
    expect(providerCatalog.get('salesforce').syncs.map((s) => s.model)).toEqual(['contacts', 'accounts']);
  });

  it('fails loudly on a broken entry instead of skipping it', () => {
    expect(() => new ProviderCatalog([salesforce, salesforce])).toThrow(/duplicate provider/);
    expect(() => new ProviderCatalog([{ ...salesforce, oauth: { ...salesforce.oauth, tokenUrl: 'not a url' } }])).toThrow(/not a URL/);
    const badSync = { ...salesforce.syncs[0], defaultFrequency: 'often' };
    expect(() => new ProviderCatalog([{ ...salesforce, syncs: [badSync] }])).toThrow(/invalid defaultFrequency/);
  });
});
