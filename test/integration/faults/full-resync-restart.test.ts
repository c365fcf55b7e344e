// A full resync whose query is restarted (its session died) after records it had already read were deleted: the
// deletes must still reach the store, by the resync itself or by the incremental sync after it.
import { storedLiveRecords, waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';

/** Longer than the Salesforce catalog's incremental lookback (10 s): the lookback alone cannot catch the deletes. */
const LATER_MS = 15_000;

const byModstampThenId = (a: { SystemModstamp: string; Id: string }, b: { SystemModstamp: string; Id: string }) =>
  a.SystemModstamp === b.SystemModstamp ? (a.Id < b.Id ? -1 : 1) : a.SystemModstamp < b.SystemModstamp ? -1 : 1;

describe('a full resync restarted after a session expiry', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ name: 'sf-resync-restart', sandbox: { rotateRefreshTokens: true } });
    stack.sandbox.seed('Contact', 5000);
  });
  afterAll(() => stack?.close());

  it('leaves no contact live that was deleted after the resync had read it', async () => {
    expect((await stack.connectSalesforce('restarted', { contacts: { frequency: '1h' } })).status).toBe(201);
    const initial = await waitForRunAfter(stack, 'restarted', 'contacts', null);
    expect(initial).toMatchObject({ status: 'succeeded', added: 5000 });

    // The resync reads its first page (2,000 contacts in (SystemModstamp, Id) order), then its next call waits.
    const inOrder = stack.sandbox.records('Contact').sort(byModstampThenId);
    const deleted = [inOrder[10].Id, inOrder[1500].Id];
    const updated = [inOrder[20], inOrder[2500], inOrder[4000], inOrder[4100], inOrder[4200], inOrder[4300], inOrder[4999]].map((r) => r.Id);
    stack.sandbox.faults.holdQueries({ afterCalls: 1 });
    expect((await stack.api('POST', '/connections/restarted/sync', { models: ['contacts'], mode: 'full' })).status).toBe(202);
    await eventually(() => stack.sandbox.faults.heldQueries() === 1, { intervalMs: 50, what: 'the resync to ask for its second page' });

    // Between its pages: two contacts it has already read are deleted, and, later than its lookback, seven updated.
    for (const id of deleted) stack.sandbox.delete('Contact', id);
    stack.sandbox.advanceClock(LATER_MS);
    for (const id of updated) stack.sandbox.update('Contact', id, { Title: 'Updated during the resync' });
    // The session dies under the open query cursor: the resync must start a new query from its checkpoint.
    stack.sandbox.expireSessions();
    stack.sandbox.faults.clear();

    const full = await waitForRunAfter(stack, 'restarted', 'contacts', initial.runId);
    expect(full).toMatchObject({ status: 'succeeded', mode: 'full' });
    expect((await stack.api('POST', '/connections/restarted/sync', { models: ['contacts'] })).status).toBe(202);
    const incremental = await waitForRunAfter(stack, 'restarted', 'contacts', full.runId);
    expect(incremental).toMatchObject({ status: 'succeeded', mode: 'incremental' });

    const stored = await storedLiveRecords(stack, 'restarted', 'contacts');
    const stillLive = deleted.filter((id) => stored.has(id));
    expect({ deletedButStillLive: stillLive }).toEqual({ deletedButStillLive: [] });
    expect(stored.size).toBe(4998);
    for (const id of updated) expect(stored.get(id)).toMatchObject({ Title: 'Updated during the resync' });
    // Announced once, by whichever of the two runs saw them.
    expect(full.deleted + incremental.deleted).toBe(2);
  });
});
