import { buildQuery, queryAllPages, toSoqlDateTime } from '../../providers/salesforce/soql-sync';
import type { HttpMethod, ProviderHttpClient, SyncPage } from '../../sync';

/** Answers each request with the next of `answers`, remembering what was asked. */
function fakeSalesforce(answers: unknown[]) {
  const asked: { method: HttpMethod; path: string; query?: Record<string, unknown> }[] = [];
  const http: ProviderHttpClient = {
    get: () => Promise.reject(new Error('not used')),
    post: () => Promise.reject(new Error('not used')),
    request: async <T>(method: HttpMethod, path: string, options?: { query?: Record<string, unknown> }) => {
      asked.push({ method, path, query: options?.query });
      return { status: 200, headers: new Headers(), body: answers.shift() as T };
    },
  };
  return { http, asked };
}

async function allPages(pages: AsyncIterable<SyncPage>): Promise<SyncPage[]> {
  const read: SyncPage[] = [];
  for await (const page of pages) read.push(page);
  return read;
}

describe('Salesforce incremental query', () => {
  it('starts from the beginning without a checkpoint, in (SystemModstamp, Id) order', () => {
    expect(buildQuery('Contact', ['Id', 'LastName'], null)).toBe('SELECT Id, LastName FROM Contact ORDER BY SystemModstamp ASC, Id ASC');
  });

  it('resumes strictly after the last (SystemModstamp, Id), so ties on one timestamp are neither lost nor repeated', () => {
    const query = buildQuery('Contact', ['Id'], { systemModstamp: '2026-01-05T10:00:00.000+0000', id: '003AB00000Xyz12AAA' });
    expect(query).toBe(
      "SELECT Id FROM Contact WHERE SystemModstamp > 2026-01-05T10:00:00.000Z OR (SystemModstamp = 2026-01-05T10:00:00.000Z AND Id > '003AB00000Xyz12AAA') ORDER BY SystemModstamp ASC, Id ASC",
    );
  });

  it('with a lookback, starts that far before the last timestamp and re-reads the window inclusively', () => {
    const query = buildQuery('Contact', ['Id'], { systemModstamp: '2026-01-05T10:00:00.000+0000', id: '003AB00000Xyz12AAA' }, 10_000);
    expect(query).toBe('SELECT Id FROM Contact WHERE SystemModstamp >= 2026-01-05T09:59:50.000Z ORDER BY SystemModstamp ASC, Id ASC');
  });

  it('refuses a checkpoint id that could inject SOQL', () => {
    expect(() => buildQuery('Contact', ['Id'], { systemModstamp: '2026-01-05T10:00:00.000Z', id: "x' OR Id != '" })).toThrow(/not a Salesforce Id/);
  });

  it('converts Salesforce datetimes with +0000 or -05:00 offsets to UTC literals', () => {
    expect(toSoqlDateTime('2026-01-05T10:00:00.123+0000')).toBe('2026-01-05T10:00:00.123Z');
    expect(toSoqlDateTime('2026-01-05T10:00:00.000-0500')).toBe('2026-01-05T15:00:00.000Z');
    expect(() => toSoqlDateTime('yesterday')).toThrow();
  });
});

describe('reading a Salesforce query', () => {
  const row = (Id: string, SystemModstamp: string, IsDeleted = false) => ({ attributes: { type: 'Contact' }, Id, SystemModstamp, IsDeleted });

  it('reads with queryAll, full resyncs included, and turns IsDeleted rows into deletes', async () => {
    const { http, asked } = fakeSalesforce([
      { done: false, nextRecordsUrl: '/services/data/v62.0/query/01g-2000', records: [row('003A', '2026-01-05T10:00:00.000+0000'), row('003B', '2026-01-05T10:00:01.000+0000', true)] },
      { done: true, records: [row('003C', '2026-01-05T10:00:02.000+0000')] },
    ]);
    const pages = await allPages(queryAllPages(http, buildQuery('Contact', ['Id', 'SystemModstamp', 'IsDeleted'], null), { checkpoint: null, pageSize: 200 }));
    expect(asked[0].path).toBe('/services/data/v62.0/queryAll');
    expect(pages).toEqual([
      { records: [{ Id: '003A', SystemModstamp: '2026-01-05T10:00:00.000+0000', IsDeleted: false }], deletedIds: ['003B'], checkpoint: { systemModstamp: '2026-01-05T10:00:01.000+0000', id: '003B' } },
      { records: [{ Id: '003C', SystemModstamp: '2026-01-05T10:00:02.000+0000', IsDeleted: false }], deletedIds: [], checkpoint: { systemModstamp: '2026-01-05T10:00:02.000+0000', id: '003C' } },
    ]);
  });

  it('refuses, before any request, a query that cannot see deletes or whose pages are no resume points', async () => {
    const { http, asked } = fakeSalesforce([]);
    const read = (soql: string) => allPages(queryAllPages(http, soql, { checkpoint: null, pageSize: 200 }));
    await expect(read('SELECT Id, SystemModstamp FROM Opportunity ORDER BY SystemModstamp ASC, Id ASC')).rejects.toThrow(/must select IsDeleted/);
    await expect(read('SELECT Id, SystemModstamp, IsDeleted FROM Opportunity ORDER BY Id')).rejects.toThrow(/ORDER BY SystemModstamp, Id/);
    expect(asked).toEqual([]);
  });
});
