// Every call Tributary makes to Salesforce's REST API names one API version: syncs, field discovery and actions alike.
import { salesforce } from '../../../providers/salesforce/salesforce.provider';
import { SALESFORCE_API_VERSION } from '../../../providers/salesforce/api-version';
import type { HttpMethod, HttpResponse, ProviderHttpClient } from '../../../sync';

/** Records every path asked for and answers what each kind of call expects, enough for the code to go on. */
function recordingSalesforce() {
  const paths: string[] = [];
  const answer = (method: HttpMethod, path: string): unknown => {
    if (path.endsWith('/describe')) return { fields: [{ name: 'LastName', type: 'string', custom: false }] };
    if (/\/query(All)?$/.test(path)) return { totalSize: 0, done: true, records: [] };
    return method === 'PATCH' ? undefined : { id: '003000000000001AAA', success: true };
  };
  const request = async <T>(method: HttpMethod, path: string): Promise<HttpResponse<T>> => {
    paths.push(path);
    return { status: 200, headers: new Headers(), body: answer(method, path) as T };
  };
  const http: ProviderHttpClient = {
    get: async <T>(path: string) => (await request<T>('GET', path)).body,
    post: async <T>(path: string) => (await request<T>('POST', path)).body,
    request: <T>(method: HttpMethod, path: string) => request<T>(method, path),
  };
  return { http, paths };
}

describe('the Salesforce API version', () => {
  it('is the same in every request the syncs, their field discovery and the actions make', async () => {
    const { http, paths } = recordingSalesforce();
    for (const sync of salesforce.syncs) {
      await sync.fields?.list(http);
      for await (const page of sync.fetchPages({ mode: 'full', checkpoint: null, lookbackMs: 0, pageSize: 200, http })) void page;
    }
    const inputs: Record<string, Record<string, string>> = {
      'create-contact': { lastName: 'Lovelace', email: 'ada@example.com' },
      'update-contact': { id: '003000000000001AAA', title: 'Countess' },
      'create-account': { name: 'Analytical Engines' },
    };
    const connection = { connectionId: 'c1', integration: 'sf', provider: 'salesforce' };
    expect(salesforce.actions?.map((action) => action.name).sort()).toEqual(Object.keys(inputs).sort());
    for (const action of salesforce.actions ?? []) {
      const input: unknown = action.input.parse(inputs[action.name]);
      await action.run({ input, http, connection, earlierWriteStartedAt: null });
      await action.findExisting?.({ input, http, connection, earlierWriteStartedAt: null, since: new Date() });
    }
    // Two describes and two queries, three writes and two look-ups for an earlier write.
    expect(paths).toHaveLength(9);
    const versions = new Set(paths.map((path) => /^\/services\/data\/(v\d+\.\d)\//.exec(path)?.[1] ?? `no version in ${path}`));
    expect([...versions]).toEqual([SALESFORCE_API_VERSION]);
  });
});
