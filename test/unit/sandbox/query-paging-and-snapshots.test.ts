import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server';
import { API, get, query, queryAllPages, refresh, sleep } from './sandbox-client';

const FULL = 'SELECT Id, LastName, SystemModstamp, IsDeleted FROM Contact ORDER BY SystemModstamp ASC, Id ASC';

describe('Salesforce sandbox query paging', () => {
  let sandbox: SalesforceSandbox;
  let accessToken: string;

  beforeEach(async () => {
    sandbox = await startSalesforceSandbox({ seed: 42 });
    accessToken = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  it('pages by the requested batchSize with a nextRecordsUrl on the same host', async () => {
    sandbox.seed('Contact', 1100);
    const pages = await queryAllPages(sandbox, accessToken, FULL, { batchSize: 500 });
    expect(pages.map((page) => page.body.records.length)).toEqual([500, 500, 100]);
    expect(pages.every((page) => page.body.totalSize === 1100)).toBe(true);
    expect(pages.map((page) => page.body.done)).toEqual([false, false, true]);
    expect(pages[0].body.nextRecordsUrl).toMatch(/^\/services\/data\/v62\.0\/query\/01g[A-Za-z0-9]{15}-500$/);
    expect(pages[2].body.nextRecordsUrl).toBeUndefined();
    const ids = pages.flatMap((page) => page.body.records.map((record: { Id: string }) => record.Id));
    expect(ids).toEqual(sandbox.records('Contact').map((record) => record.Id));
    expect(pages[0].body.records[0]).toEqual({
      attributes: { type: 'Contact', url: `/services/data/v62.0/sobjects/Contact/${ids[0]}` },
      Id: ids[0],
      LastName: expect.any(String),
      SystemModstamp: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}\+0000$/),
      IsDeleted: false,
    });
  });

  it('clamps batchSize to 200..2000 and defaults to 2000', async () => {
    sandbox.seed('Contact', 2500);
    expect((await query(sandbox, accessToken, FULL)).body.records.length).toBe(2000);
    expect((await query(sandbox, accessToken, FULL, { batchSize: 50 })).body.records.length).toBe(200);
    expect((await query(sandbox, accessToken, FULL, { batchSize: 5000 })).body.records.length).toBe(2000);
  });

  it('serves later pages from the snapshot taken when the query ran', async () => {
    const ids = sandbox.seed('Contact', 600);
    const first = await query(sandbox, accessToken, FULL, { batchSize: 200 });
    sandbox.update('Contact', ids[0], { LastName: 'Changed' });
    sandbox.update('Contact', ids[450], { LastName: 'Changed too' });
    sandbox.delete('Contact', ids[500]);
    sandbox.create('Contact', { LastName: 'Newcomer' });
    const second = await get(sandbox, first.body.nextRecordsUrl, accessToken);
    const third = await get(sandbox, second.body.nextRecordsUrl, accessToken);
    const all = [first, second, third].flatMap((page) => page.body.records);
    expect(all.map((record: { Id: string }) => record.Id)).toEqual(ids);
    expect(all[450].LastName).not.toBe('Changed too');
    expect(all[500].IsDeleted).toBe(false);
    expect(third.body.totalSize).toBe(600);
  });

  it('hides recycled rows from query and shows them to queryAll', async () => {
    const ids = sandbox.seed('Contact', 10);
    sandbox.delete('Contact', ids[3]);
    const live = await query(sandbox, accessToken, 'SELECT Id, IsDeleted FROM Contact');
    expect(live.body.totalSize).toBe(9);
    const withDeleted = await query(sandbox, accessToken, 'SELECT Id, IsDeleted FROM Contact ORDER BY SystemModstamp ASC, Id ASC', { all: true });
    expect(withDeleted.body.totalSize).toBe(10);
    expect(withDeleted.body.records.at(-1)).toMatchObject({ Id: ids[3], IsDeleted: true });
    sandbox.purgeRecycleBin();
    expect((await query(sandbox, accessToken, 'SELECT Id FROM Contact', { all: true })).body.totalSize).toBe(9);
  });

  it('moves changed rows after the checkpoint so an incremental query sees them once', async () => {
    const ids = sandbox.seed('Contact', 50, { tieGroupSize: 50 });
    const everything = (await query(sandbox, accessToken, FULL)).body.records;
    const last = everything.at(-1);
    const stamp = last.SystemModstamp.replace('+0000', 'Z');
    sandbox.update('Contact', ids[0], { Title: 'Updated' });
    sandbox.touch('Contact', ids[1]);
    sandbox.delete('Contact', ids[2]);
    const created = sandbox.create('Contact', { LastName: 'Fresh' });
    const incremental = `SELECT Id, IsDeleted FROM Contact WHERE SystemModstamp > ${stamp} OR (SystemModstamp = ${stamp} AND Id > '${last.Id}') ORDER BY SystemModstamp ASC, Id ASC`;
    const changes = (await query(sandbox, accessToken, incremental, { all: true })).body.records;
    expect(changes.map((record: { Id: string }) => record.Id)).toEqual([ids[0], ids[1], ids[2], created.Id]);
    expect(changes[2].IsDeleted).toBe(true);
    const touched = sandbox.records('Contact').find((record) => record.Id === ids[1]);
    expect(touched?.LastModifiedDate).not.toBe(touched?.SystemModstamp);
  });

  it('answers INVALID_QUERY_LOCATOR once a locator outlives its TTL', async () => {
    sandbox.setOptions({ queryLocatorTtlMs: 150 });
    sandbox.seed('Contact', 300);
    const first = await query(sandbox, accessToken, FULL, { batchSize: 200 });
    await sleep(250);
    const expired = await get(sandbox, first.body.nextRecordsUrl, accessToken);
    expect(expired.status).toBe(400);
    expect(expired.body).toEqual([{ message: 'invalid query locator', errorCode: 'INVALID_QUERY_LOCATOR' }]);
    expect((await get(sandbox, `${API}/query/garbage-200`, accessToken)).body[0].errorCode).toBe('INVALID_QUERY_LOCATOR');
  });

  it('fails an open locator with INVALID_SESSION_ID after a rotating refresh ends its session', async () => {
    sandbox.setOptions({ rotateRefreshTokens: true });
    const grant = sandbox.issueGrant();
    sandbox.seed('Contact', 300);
    const first = await query(sandbox, grant.accessToken, FULL, { batchSize: 200 });
    const refreshed = await refresh(sandbox, grant.refreshToken);
    const next = await get(sandbox, first.body.nextRecordsUrl, refreshed.body.access_token);
    expect(next.status).toBe(401);
    expect(next.body[0].errorCode).toBe('INVALID_SESSION_ID');
  });

  it('keeps an open locator working after a refresh without rotation', async () => {
    const grant = sandbox.issueGrant();
    sandbox.seed('Contact', 300);
    const first = await query(sandbox, grant.accessToken, FULL, { batchSize: 200 });
    const refreshed = await refresh(sandbox, grant.refreshToken);
    expect((await get(sandbox, first.body.nextRecordsUrl, refreshed.body.access_token)).status).toBe(200);
  });

  it('answers malformed SOQL over HTTP with a 400 array body', async () => {
    const result = await query(sandbox, accessToken, 'SELECT Id FROM Contact WHERE');
    expect(result.status).toBe(400);
    expect(result.body[0].errorCode).toBe('MALFORMED_QUERY');
    expect((await query(sandbox, accessToken, 'SELECT Nope FROM Contact')).body[0].errorCode).toBe('INVALID_FIELD');
    expect((await query(sandbox, accessToken, 'SELECT Id FROM Lead')).body[0].errorCode).toBe('INVALID_TYPE');
  });
});
