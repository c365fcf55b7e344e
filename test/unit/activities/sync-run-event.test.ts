// The sync webhook event is built once, from the stored run: its bytes are what apps have always received, and a
// summary an older release recorded in a history still becomes the very same event.
import { syncEventOfRun } from '../../../activities/sync-run-event';
import type { LegacySyncRunSummary } from '../../../contracts/activity-messages';
import { encodeCursor } from '../../../contracts/change-cursor';
import type { SyncRunDocument } from '../../../store/sync-runs';
import { syncEventOfAnswer } from '../../../workflows/connection/webhook-events';

const run = (overrides: Partial<SyncRunDocument> = {}): SyncRunDocument => ({
  _id: 'run-7',
  connectionId: 'acme corp',
  incarnation: 'i-2',
  integration: 'salesforce-prod',
  provider: 'salesforce',
  model: 'contacts',
  mode: 'incremental',
  status: 'succeeded',
  startedAt: new Date('2026-12-05T10:00:00.000Z'),
  finishedAt: new Date('2026-12-05T10:00:09.250Z'),
  startCursor: null,
  checkpoint: null,
  feedSeqAtStart: 40,
  feedSeqAtEnd: 52,
  pages: 2,
  recordsRead: 14,
  invalidRecords: 2,
  invalidSamples: [],
  providerRequests: 3,
  rateLimitWaits: 0,
  attempts: 1,
  slicesEnded: 1,
  changes: { added: 3, updated: 8, deleted: 1 },
  recountNeeded: false,
  outcome: { added: 3, updated: 8, deleted: 1 },
  error: null,
  fullReason: null,
  ...overrides,
});

/** What finishSyncRun answered before the event was its answer: kept here as histories hold it. */
function legacySummaryOf(doc: SyncRunDocument, status: 'succeeded' | 'failed', feedSeqAtEnd: number): LegacySyncRunSummary {
  const outcome = doc.outcome ?? { added: 0, updated: 0, deleted: 0 };
  return {
    runId: doc._id,
    connectionId: doc.connectionId,
    integration: doc.integration,
    model: doc.model,
    mode: doc.mode,
    status,
    ...outcome,
    invalidRecords: doc.invalidRecords,
    startedAt: doc.startedAt.toISOString(),
    finishedAt: (doc.finishedAt ?? new Date()).toISOString(),
    fromCursor: encodeCursor(doc.feedSeqAtStart, doc),
    toCursor: encodeCursor(doc.feedSeqAtEnd ?? feedSeqAtEnd, doc),
    fullReason: doc.mode === 'full' ? (doc.fullReason ?? null) : null,
  };
}

describe('the sync webhook event of a stored run', () => {
  it('has exactly the fields, in the order, apps receive', () => {
    const feed = { connectionId: 'acme corp', model: 'contacts', incarnation: 'i-2' };
    const from = encodeCursor(40, feed);
    const to = encodeCursor(52, feed);
    expect(JSON.stringify(syncEventOfRun(run(), 'succeeded', 0))).toBe(
      `{"id":"run-7","type":"sync","connectionId":"acme corp","integration":"salesforce-prod","model":"contacts","mode":"incremental",` +
        `"fullReason":null,"status":"succeeded","added":3,"updated":8,"deleted":1,"invalidRecords":2,` +
        `"startedAt":"2026-12-05T10:00:00.000Z","finishedAt":"2026-12-05T10:00:09.250Z",` +
        `"changes":{"cursor":"${from}","endCursor":"${to}","path":"/records?connectionId=acme%20corp&model=contacts&cursor=${from}"}}`,
    );
  });

  it.each([
    ['a succeeded incremental run', run(), 'succeeded', 0],
    ['a full run with its reason', run({ mode: 'full', fullReason: 'fields added: Tier__c' }), 'succeeded', 0],
    ['a full run recorded before reasons were kept', run({ mode: 'full', fullReason: undefined }), 'succeeded', 0],
    ['a failed run that stored changes but no end of its own', run({ status: 'failed', feedSeqAtEnd: null }), 'failed', 47],
    ['a run of a connection from before incarnations', run({ incarnation: undefined }), 'succeeded', 0],
  ] as const)('is, byte for byte, the event the workflow built from the summary an older release answered with: %s', (_, doc, status, feedSeqAtEnd) => {
    const event = syncEventOfRun(doc, status, feedSeqAtEnd);
    expect(JSON.stringify(syncEventOfAnswer(legacySummaryOf(doc, status, feedSeqAtEnd)))).toBe(JSON.stringify(event));
  });

  it('is announced as the activity answered it', () => {
    const event = syncEventOfRun(run(), 'succeeded', 0);
    expect(syncEventOfAnswer(event)).toBe(event);
  });

  it('stands in the given feed position when the run recorded none, and zeros when it recorded no outcome', () => {
    const event = syncEventOfRun(run({ feedSeqAtEnd: null, outcome: null }), 'failed', 47);
    expect(event.changes.endCursor).toBe(encodeCursor(47, { connectionId: 'acme corp', model: 'contacts', incarnation: 'i-2' }));
    expect([event.added, event.updated, event.deleted]).toEqual([0, 0, 0]);
  });
});
