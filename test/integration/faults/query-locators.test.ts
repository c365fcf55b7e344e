// A query cursor that dies in the middle of paging — expired, or taken down with its session by a 401 — is not
// resumed: the run re-queries from its last checkpoint, so no record is lost or stored twice.
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { dataRequests, expectStoredExactlyOnce, salesforceCatalog, syncOnce } from './fault-support';

const PAGE = 200;
const CONTACTS = 2000; // ten pages
const PAGES = CONTACTS / PAGE;

describe('query cursors dying mid-paging', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'fault-locators', catalog: salesforceCatalog(() => ({ pageSize: PAGE })) });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(() => stack?.close());
  beforeEach(() => {
    stack.sandbox.faults.clear();
    stack.sandbox.resetStats();
  });

  it('when the open query locators expire, then the run re-queries from its checkpoint and stores every record once', async () => {
    stack.sandbox.faults.slowResponses({ delayMs: 250 }); // time to act between pages
    expect((await stack.connectSalesforce('expiring', { contacts: { frequency: '1h' } })).status).toBe(201);
    const pagesBefore = await eventually(async () => {
      const pages = (await stack.store.runs.collection.findOne({ connectionId: 'expiring' }))?.pages ?? 0;
      return pages >= 3 ? pages : null;
    }, { intervalMs: 50, what: 'three stored pages' });
    stack.sandbox.faults.expireQueryLocators();

    const run = await eventually(async () => {
      const lastRun = (await stack.api('GET', '/connections/expiring')).body.syncs.contacts.lastRun;
      return lastRun?.status === 'succeeded' ? lastRun : null;
    }, { what: 'the run to finish' });
    expect(pagesBefore).toBeLessThan(PAGES);
    expect(run).toMatchObject({ added: CONTACTS, updated: 0, deleted: 0 });
    await expectStoredExactlyOnce(stack, 'expiring', 'contacts', 'Contact');
    // One query, the queryMore that found its locator gone (at most two, with one in flight), and one fresh query.
    const requests = stack.sandbox.stats().requests;
    expect(requests.queryAll).toBe(2);
    expect(dataRequests(stack)).toBeLessThanOrEqual(PAGES + 2);
  });

  it('when the session dies in the middle of paging, then one refresh and a re-query from the checkpoint finish the run', async () => {
    stack.sandbox.faults.invalidSessionMidPaging({ afterPages: 2 });
    const run = await syncOnce(stack, 'interrupted', 'contacts');
    expect(run).toMatchObject({ status: 'succeeded', added: CONTACTS, updated: 0, deleted: 0 });
    await expectStoredExactlyOnce(stack, 'interrupted', 'contacts', 'Contact');
    const requests = stack.sandbox.stats().requests;
    expect(requests['token.refresh_token']).toBe(1);
    expect(requests.queryAll).toBe(2);
    // The ten pages plus the one request the 401 answered.
    expect(dataRequests(stack)).toBe(PAGES + 1);
  });
});
