// A provider that takes longer than the heartbeat timeout to answer a query's first page (90 s in production, here
// a few heartbeat timeouts) is waited for: the slice heartbeats while its request is in flight, so the attempt is
// not declared dead and the slow page is not asked for again.
import { startTestStack, type TestStack } from '../../support/test-stack';
import { expectStoredExactlyOnce, syncOnce } from './fault-support';

const HEARTBEAT_TIMEOUT_MS = 2000;
const FIRST_PAGE_DELAY_MS = 4 * HEARTBEAT_TIMEOUT_MS;
const CONTACTS = 300;

describe('a slow first page', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'slow-first-page', workflow: { heartbeatTimeoutMs: HEARTBEAT_TIMEOUT_MS } });
    stack.sandbox.seed('Contact', CONTACTS);
  });
  afterAll(() => stack?.close());

  it('when the first page takes several heartbeat timeouts, then the first attempt still completes the run', async () => {
    stack.sandbox.faults.slowFirstPage({ delayMs: FIRST_PAGE_DELAY_MS });
    const run = await syncOnce(stack, 'patient', 'contacts', 60_000);
    expect(run).toMatchObject({ status: 'succeeded', added: CONTACTS });
    await expectStoredExactlyOnce(stack, 'patient', 'contacts', 'Contact');
    // One attempt and one first-page query: a heartbeat timeout would have started a second attempt asking again.
    expect(run.attempts).toBe(1);
    const { query = 0, queryAll = 0 } = stack.sandbox.stats().requests;
    expect(query + queryAll).toBe(1);
  });
});
