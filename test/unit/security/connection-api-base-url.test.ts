// Which API host a connection's token goes to is answered by one function, in the order the token is valid in.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { connectionApiBaseUrl } from '../../../security/connection-api-base-url';

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
    const root = join(__dirname, '..', '..', '..');
    const skipped = new Set(['node_modules', 'test', 'sandbox', 'dist', 'coverage']);
    const files = (dir: string): string[] =>
      readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
        if (skipped.has(entry.name) || entry.name.startsWith('.')) return [];
        const path = join(dir, entry.name);
        return entry.isDirectory() ? files(path) : entry.name.endsWith('.ts') ? [path] : [];
      });
    const spelled = files(root)
      .filter((file) => /instanceUrl\s*\?\?[^;]*apiBaseUrl/.test(readFileSync(file, 'utf8')))
      .map((file) => relative(root, file));
    expect(spelled).toEqual(['security/connection-api-base-url.ts']);
  });
});
