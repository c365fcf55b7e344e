// A running sync shows its progress through the API while it runs: pages, records read and changes stored so far.
import { TributaryClient, type SyncRun } from '../../../client';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

const CONTACTS = 8000; // four pages of 2,000

describe('run history while a sync runs', () => {
  let stack: TestStack;
  let client: TributaryClient;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'run-progress' });
    stack.sandbox.seed('Contact', CONTACTS);
    client = new TributaryClient({ baseUrl: stack.apiUrl, secretKey: stack.secretKey });
  });
  afterAll(() => stack?.close());

  it('shows a running run with the pages and records stored so far, then its final outcome', async () => {
    // Slow pages make the run last long enough to be watched between pages.
    stack.sandbox.faults.slowResponses({ delayMs: 1000 });
    expect((await stack.connectSalesforce('watched', { contacts: { frequency: '1h' } })).status).toBe(201);

    const running = await eventually(
      async () => {
        const [run] = (await client.listRuns('watched', { model: 'contacts' })).runs;
        return run?.status === 'running' && run.pages >= 1 ? run : null;
      },
      { intervalMs: 100, what: 'a running run with a stored page' },
    );
    expect(running).toMatchObject({ model: 'contacts', mode: 'incremental', finishedAt: null, durationMs: null });
    expect(running.recordsRead).toBe(running.pages * 2000);
    expect(running.added).toBe(running.recordsRead);
    expect(running.recordsRead).toBeLessThan(CONTACTS);
    // The connection's status shows the same live run.
    expect((await client.getConnection('watched')).syncs.contacts.lastRun).toMatchObject({ runId: running.runId, status: 'running' });

    stack.sandbox.faults.clear();
    const finished: SyncRun = await eventually(async () => {
      const [run] = (await client.listRuns('watched', { model: 'contacts' })).runs;
      return run?.status === 'succeeded' ? run : null;
    }, { what: 'the run to finish' });
    expect(finished).toMatchObject({ runId: running.runId, pages: 4, recordsRead: CONTACTS, added: CONTACTS, updated: 0, deleted: 0 });
  });
});
