// A selection of more than Zoho's 50 fields per request (an org with many custom fields, `*`): the listing names the
// first 50, the rest are read by id, 50 fields and 100 ids at a time, and merged into the listed records.
import { MAX_FIELDS_PER_REQUEST, withRemainingFields } from '../../../providers/zoho/module-sync';
import type { ProviderHttpClient, RequestOptions } from '../../../sync';

function fakeClient(answer: (query: Record<string, string>) => unknown) {
  const asked: Record<string, string>[] = [];
  const http: ProviderHttpClient = {
    async get<T>(_path: string, options?: RequestOptions): Promise<T> {
      const query = Object.fromEntries(Object.entries(options?.query ?? {}).map(([key, value]) => [key, String(value)]));
      asked.push(query);
      return answer(query) as T;
    },
    post: () => Promise.reject(new Error('no writes here')),
    request: () => Promise.reject(new Error('no other requests here')),
  };
  return { http, asked };
}

describe('records wider than one request', () => {
  const fields = Array.from({ length: 120 }, (_, i) => `Field_${i}`);
  const records = Array.from({ length: 150 }, (_, i) => ({ id: String(1000 + i), Modified_Time: '2025-01-10T13:22:08+03:00', Field_0: `listed ${i}` }));

  it('reads the other 70 fields in two parts, for 100 and then 50 ids each, and merges them', async () => {
    const { http, asked } = fakeClient((query) => ({
      data: query.ids.split(',').map((id) => Object.fromEntries([['id', id], ...query.fields.split(',').map((field) => [field, `${field} of ${id}`])])),
    }));
    const wide = await withRemainingFields(http, '/crm/v8/Contacts', records, fields);
    expect(asked.map((query) => [query.ids.split(',').length, query.fields.split(',').length, query.fields.split(',')[0]])).toEqual([
      [100, 50, 'Field_50'],
      [50, 50, 'Field_50'],
      [100, 20, 'Field_100'],
      [50, 20, 'Field_100'],
    ]);
    expect(wide).toHaveLength(150);
    expect(wide[120]).toMatchObject({ id: '1120', Field_0: 'listed 120', Field_50: 'Field_50 of 1120', Field_119: 'Field_119 of 1120' });
    expect(Object.keys(wide[0]).filter((key) => key.startsWith('Field_'))).toHaveLength(71);
  });

  it('keeps the listed values of a record deleted between the two reads, and asks nothing for a narrow selection', async () => {
    const { http, asked } = fakeClient(() => undefined);
    expect(await withRemainingFields(http, '/crm/v8/Contacts', records.slice(0, 2), fields.slice(0, 60))).toEqual(records.slice(0, 2));
    expect(asked).toHaveLength(1);
    const narrow = fakeClient(() => undefined);
    expect(await withRemainingFields(narrow.http, '/crm/v8/Contacts', records, fields.slice(0, MAX_FIELDS_PER_REQUEST))).toBe(records);
    expect(narrow.asked).toEqual([]);
  });
});
