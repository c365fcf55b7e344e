// What of a provider request reaches the event log: the path and query names, values only where they are harmless.
import { loggablePath } from '../../../sync-engine/loggable-request';

describe('a request as the event log keeps it', () => {
  it('keeps the path and paging values, and hides every other query value', () => {
    const url = new URL('https://acme.my.salesforce.com/services/data/v62.0/query?q=SELECT+Id+FROM+Contact+WHERE+Email%3D%27ada%40example.com%27&limit=200');
    expect(loggablePath(url)).toBe('/services/data/v62.0/query?q=…&limit=200');
    expect(loggablePath(new URL('https://api.hubapi.com/crm/v3/objects/contacts?after=12345&properties=email,firstname&page_token=abc'))).toBe(
      '/crm/v3/objects/contacts?after=12345&properties=email%2Cfirstname&page_token=…',
    );
  });

  it('takes a token out of the path, in whichever form it is spelled there, and hides a safe value that holds one', () => {
    const token = 'CiQtOkEn/with+odd=chars';
    const url = new URL(`https://api.hubapi.com/oauth/v1/access-tokens/${encodeURIComponent(token)}?limit=${encodeURIComponent(token)}`);
    const logged = loggablePath(url, [token]);
    expect(logged).toBe('/oauth/v1/access-tokens/[redacted]?limit=…');
    expect(logged).not.toContain('CiQtOkEn');
  });
});
