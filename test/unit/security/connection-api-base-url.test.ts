// Which API host a connection's token goes to is answered by one function, in the order the token is valid in.
import { connectionApiBaseUrl } from '../../../security/connection-api-base-url';
import { productFilesMatching } from '../../support/product-files';

const provider = { api: { baseUrl: 'https://api.provider.example' } };
const perConnectionProvider = { api: {} };

describe("a connection's API base URL", () => {
  it("is the host the token answer named, before the integration's and the provider's", () => {
    expect(connectionApiBaseUrl({ instanceUrl: 'https://acme.my.salesforce.com' }, { apiBaseUrl: 'https://test.salesforce.com' }, provider)).toBe(
      'https://acme.my.salesforce.com',
    );
  });

  it("is the integration's when the connection has none of its own, else the provider's", () => {
    expect(connectionApiBaseUrl({ instanceUrl: null }, { apiBaseUrl: 'https://eu.provider.example' }, provider)).toBe('https://eu.provider.example');
    expect(connectionApiBaseUrl({ instanceUrl: null }, { apiBaseUrl: null }, provider)).toBe('https://api.provider.example');
    // An integration that no longer exists (deleted while a run was in flight) leaves the provider's.
    expect(connectionApiBaseUrl({}, null, provider)).toBe('https://api.provider.example');
  });

  it('is null while a provider with per-connection hosts has not named this one yet', () => {
    expect(connectionApiBaseUrl({ instanceUrl: null }, { apiBaseUrl: null }, perConnectionProvider)).toBeNull();
  });

  it('is chosen nowhere else: no other file spells the instanceUrl → apiBaseUrl → baseUrl order', () => {
    const spelled = productFilesMatching(/instanceUrl\s*\?\?[^;]*apiBaseUrl/);
    expect(spelled).toEqual(['security/connection-api-base-url.ts']);
  });
});
