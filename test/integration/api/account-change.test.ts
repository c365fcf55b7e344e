// A re-authorisation its connect session allowed moves a connection to another Salesforce org: the connection starts
// over as a new incarnation (no record, feed or cursor of the old org in it), says so in an `auth` webhook, and a run
// of the old org still in flight can neither write into the new life nor hand it its cursor. The run is held between
// "the run is still running" and its page write, the window a fence has to cover.
import { createSyncRunActivities } from '../../../activities/sync-run-activities';
import type { SyncSliceResult } from '../../../contracts/activity-messages';
import type { AuthWebhookEvent } from '../../../contracts/webhook-events';
import type { PageToApply } from '../../../store/records';
import type { Store } from '../../../store/store';
import { connectThroughLink } from '../../support/connect-link';
import { activityAttempt, activityDependencies } from '../../support/activity-harness';
import { waitForRunAfter } from '../../support/assertions';
import { startTestStack, type TestStack } from '../../support/test-stack';

const CONTACTS = 20;
const NEW_ORG = '00D000000NEWORG';

describe('a connection moved to another account', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startTestStack({ name: 'account-change', sandbox: { autoConsent: true } });
    stack.sandbox.seed('Contact', CONTACTS);
    const created = await stack.api('POST', '/integrations', stack.salesforceIntegration('sf'));
    expect(created.status).toBe(201);
  });
  afterAll(() => stack?.close());

  /** The whole browser flow (auto-approved consent); the callback's status. */
  const connect = async (connectionId: string, extra: Record<string, unknown> = {}): Promise<number> =>
    (await connectThroughLink(stack, { integration: 'sf', connectionId, ...extra })).status;

  /** Every record the records API serves for the connection's contacts from the feed's start, and the last cursor. */
  async function served(connectionId: string) {
    const records: { id: string; action: string }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const query = new URLSearchParams({ connectionId, model: 'contacts', limit: '1000', ...(cursor ? { cursor } : {}) });
      const { status, body } = await stack.api('GET', `/records?${query}`);
      expect(status).toBe(200);
      records.push(...body.records);
      cursor = body.nextCursor;
      if (!body.hasMore) return { records, cursor: cursor as string };
    }
  }

  it("starts the connection's data over, says so, and fences the old org's run in flight", async () => {
    expect(await connect('moving')).toBe(200);
    const firstRun = await waitForRunAfter(stack, 'moving', 'contacts', null);
    expect([firstRun.status, firstRun.added]).toEqual(['succeeded', CONTACTS]);
    const oldLife = await stack.store.connections.get('moving');
    expect(oldLife.providerAccountId).toBe(stack.sandbox.orgId);
    expect(oldLife.syncs.contacts.cursor).not.toBeNull();
    const { cursor: oldCursor } = await served('moving');

    // A run of the old org, on a worker of its own, holds the page it read until released.
    let pageHeld!: () => void;
    const reachedWrite = new Promise<void>((resolve) => (pageHeld = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const records = stack.store.records;
    const heldStore: Store = {
      ...stack.store,
      records: Object.assign(Object.create(Object.getPrototypeOf(records)), records, {
        applyPage: async (page: PageToApply) => {
          pageHeld();
          await released;
          return records.applyPage(page);
        },
      }),
    };
    const activities = createSyncRunActivities(activityDependencies(heldStore));
    const attempt = () => activityAttempt({ startToCloseTimeoutMs: 120_000, heartbeatTimeoutMs: 120_000 });
    const lateRun = 'moving:contacts:old-org';
    await attempt().run(activities.beginSyncRun, { connectionId: 'moving', model: 'contacts', mode: 'full' as const, runId: lateRun });
    const lateSlice = attempt()
      .run(activities.syncModelSlice, { runId: lateRun })
      .then(
        (result) => result as SyncSliceResult,
        (error: Error) => error,
      );
    await reachedWrite;

    // The page in its hands holds every contact of the old org; one is not in the new one.
    const [onlyInOldOrg] = stack.sandbox.records('Contact');
    stack.sandbox.delete('Contact', onlyInOldOrg.Id);

    // The customer signs into another org, and the connect session allowed it.
    stack.sandbox.setOptions({ signInOrgId: NEW_ORG });
    expect(await connect('moving', { allowAccountChange: true })).toBe(200);
    stack.sandbox.setOptions({ signInOrgId: null });
    const newLife = await stack.store.connections.get('moving');
    expect(newLife.providerAccountId).toBe(NEW_ORG);
    expect(newLife.incarnation).toMatch(/^[0-9a-f]{16}$/);
    expect(newLife.incarnation).not.toBe(oldLife.incarnation);
    // The old org's run in flight is over: its slice stops at its next page.
    expect(await stack.store.runs.find(lateRun)).toMatchObject({ status: 'failed', error: { code: 'AccountChanged' } });

    // The app is told, and its cursor into the old org's feed is refused instead of mixing the two.
    const isAccountChange = (event: { type: string; connectionId: string }) => event.type === 'auth' && event.connectionId === 'moving' && (event as AuthWebhookEvent).operation === 'account_change';
    await stack.receiver.waitFor((received) => received.some((r) => isAccountChange(r.event)));
    const event = stack.receiver.received.find((r) => isAccountChange(r.event))?.event;
    expect(event).toMatchObject({ success: true, error: null, accountChange: { from: stack.sandbox.orgId, to: NEW_ORG } });
    const stale = await stack.api('GET', `/records?connectionId=moving&model=contacts&cursor=${encodeURIComponent(oldCursor)}`);
    // A 409, as every cursor of another feed is since issue 25: well formed, and not this life's.
    expect([stale.status, stale.body.error.fields[0].field]).toEqual([409, 'query.cursor']);

    // The new org is read from the start at once (not at the next scheduled run, an hour away): everything it has.
    const newRun = await waitForRunAfter(stack, 'moving', 'contacts', lateRun);
    expect(newRun).toMatchObject({ status: 'succeeded', mode: 'full', fullReason: 'initial', added: CONTACTS - 1 });
    const afterMove = await served('moving');
    expect(afterMove.records).toHaveLength(CONTACTS - 1);
    expect(afterMove.records.map((r) => r.id)).not.toContain(onlyInOldOrg.Id);
    const cursorOfNewLife = (await stack.store.connections.get('moving')).syncs.contacts.cursor;
    expect(cursorOfNewLife).not.toBeNull();

    // The old org's run writes its page late and finishes: beside the new life, never in it, and its cursor stays out.
    release();
    await lateSlice;
    await attempt().run(activities.finishSyncRun, { runId: lateRun, nextRunAt: null });
    expect((await served('moving')).records).toEqual(afterMove.records);
    expect((await stack.store.connections.get('moving')).syncs.contacts).toMatchObject({ cursor: cursorOfNewLife, lastRunId: newRun.runId });
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'moving', incarnation: newLife.incarnation })).toBe(CONTACTS - 1);
    // (The late write did happen, under the old life's keys: else this test would prove nothing.)
    expect(await stack.store.records.collection.countDocuments({ connectionId: 'moving', incarnation: { $exists: false }, _id: { $regex: onlyInOldOrg.Id } })).toBe(1);
    // No sync webhook announced the old org's late run.
    expect(stack.receiver.received.some((r) => r.event.type === 'sync' && r.event.id === lateRun)).toBe(false);
  });
});
