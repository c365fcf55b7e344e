// The end of every scenario: let Tributary catch up, then compare every stored record with the sandbox's truth and
// every webhook the receiver got with what had to be announced.
import { isDeepStrictEqual } from 'node:util';
import { readCursor } from '../contracts/change-cursor';
import { recordsOfFeed } from '../store/records';
import type { SyncWebhookEvent } from '../contracts/webhook-events';
import type { TestStack } from '../test/support/test-stack';
import { eventually } from '../test/support/eventually';
import { MODEL_OBJECTS, requestSyncs } from './workload';

export interface Tally {
  /** Live records at the provider, per connection. */
  recordsExpected: number;
  /** Live records stored. */
  recordsStored: number;
  /** Live at the provider, not stored live. */
  missing: number;
  /** Two documents for one provider id, or one change at two feed positions, or one change announced by two webhooks. */
  duplicated: number;
  /** Stored with other values than the provider's, stored live though deleted there, or unknown to the provider. */
  wrong: number;
  /** Stored changes that no delivered webhook's range covers: the app was never told. */
  unannounced: number;
  /** Events the app must get: one per run that changed something, and every event Tributary tried to deliver. */
  webhooksExpected: number;
  /** Of those, the ones that arrived (by idempotency key). */
  webhooksDelivered: number;
  /** Arrivals beyond the first per idempotency key: allowed by at-least-once delivery, counted. */
  webhookDuplicates: number;
  problems: string[];
}

export const emptyTally = (): Tally => ({
  recordsExpected: 0,
  recordsStored: 0,
  missing: 0,
  duplicated: 0,
  wrong: 0,
  unannounced: 0,
  webhooksExpected: 0,
  webhooksDelivered: 0,
  webhookDuplicates: 0,
  problems: [],
});

export function lossOrDuplication(tally: Tally): boolean {
  return (
    tally.missing + tally.duplicated + tally.wrong + tally.unannounced > 0 ||
    tally.webhooksDelivered < tally.webhooksExpected ||
    tally.problems.length > 0
  );
}

/**
 * Asks every connection for one more incremental sync of every model and waits until each has run after the ask and
 * every webhook owed has arrived. What a run read before a fault is then complete, whatever the fault broke.
 */
export async function settle(stack: TestStack, connectionIds: string[], { timeoutMs }: { timeoutMs: number }): Promise<string[]> {
  const problems: string[] = [];
  const askedAt = new Date();
  await eventually(() => requestSyncs(stack, connectionIds), { timeoutMs: 60_000, what: 'the final sync requests to be accepted' });
  const deadline = Date.now() + timeoutMs;
  for (const connectionId of connectionIds) {
    const latest = await eventually(
      async () => {
        const runs = await stack.store.runs.latestPerModel(connectionId, Object.keys(MODEL_OBJECTS));
        const done = Object.values(runs).every((run) => run && run.startedAt >= askedAt && run.status !== 'running');
        return done ? runs : null;
      },
      { timeoutMs: Math.max(1000, deadline - Date.now()), intervalMs: 500, what: `${connectionId}'s final runs` },
    );
    for (const run of Object.values(latest)) {
      if (run?.status === 'failed') problems.push(`${connectionId} ${run.model}: the final run failed: ${run.error?.message}`);
    }
  }
  await eventually(
    async () => {
      const owed = await owedWebhooks(stack, connectionIds);
      const arrived = new Set(stack.receiver.received.map((webhook) => webhook.idempotencyKey));
      return [...owed].every((key) => arrived.has(key));
    },
    { timeoutMs: Math.max(1000, deadline - Date.now()), intervalMs: 500, what: 'every webhook owed to arrive' },
  ).catch((error: unknown) => problems.push(String(error)));
  return problems;
}

/** Idempotency keys the app must receive: every run that changed something, and every event delivery was tried for. */
async function owedWebhooks(stack: TestStack, connectionIds: string[]): Promise<Set<string>> {
  const runs = await stack.store.runs.collection
    .find({ connectionId: { $in: connectionIds }, status: 'succeeded' }, { projection: { outcome: 1 } })
    .toArray();
  const owed = new Set(runs.filter((run) => run.outcome && run.outcome.added + run.outcome.updated + run.outcome.deleted > 0).map((run) => run._id));
  for (const eventId of await stack.store.webhookDeliveries.eventIds(connectionIds)) owed.add(eventId);
  return owed;
}

/** What the provider holds for one connection's model: every record by id, deleted ones too, with its values. */
export type TruthOf = (connectionId: string, model: string) => Map<string, { deleted: boolean; values: Record<string, unknown> }>;

/** The stack's sandbox Salesforce org, which every connection of the Salesforce scenarios syncs. */
export const salesforceTruth =
  (stack: TestStack): TruthOf =>
  (_connectionId, model) =>
    new Map(stack.sandbox.records(MODEL_OBJECTS[model], { includeDeleted: true }).map((record) => [record.Id, { deleted: record.IsDeleted === true, values: record }]));

export async function verify(stack: TestStack, connectionIds: string[], truthOf: TruthOf = salesforceTruth(stack)): Promise<Tally> {
  const tally = emptyTally();
  const received = stack.receiver.received.filter((webhook) => connectionIds.includes(webhook.event.connectionId));
  const arrivals = new Map<string, number>();
  for (const webhook of received) {
    const key = webhook.idempotencyKey ?? '(none)';
    arrivals.set(key, (arrivals.get(key) ?? 0) + 1);
    if (webhook.idempotencyKey !== webhook.event.id) tally.problems.push(`a webhook arrived with idempotency key ${webhook.idempotencyKey} for event ${webhook.event.id}`);
    if (!webhook.signatureValid) tally.problems.push(`webhook ${webhook.event.id} had a bad signature`);
  }
  tally.webhookDuplicates = [...arrivals.values()].reduce((sum, n) => sum + n - 1, 0);
  const owed = await owedWebhooks(stack, connectionIds);
  tally.webhooksExpected = owed.size;
  tally.webhooksDelivered = [...owed].filter((key) => arrivals.has(key)).length;

  for (const connectionId of connectionIds) {
    for (const model of Object.keys(MODEL_OBJECTS)) {
      const truth = truthOf(connectionId, model);
      // What the app is served: a deleted earlier life of the connection id may have left records beside these.
      const incarnation = (await stack.store.connections.find(connectionId))?.incarnation;
      const docs = await stack.store.records.collection
        .find(recordsOfFeed({ connectionId, model, incarnation }), { projection: { externalId: 1, data: 1, lastAction: 1, changeSeq: 1 } })
        .toArray();
      const where = `${connectionId} ${model}`;
      tally.recordsExpected += [...truth.values()].filter((record) => !record.deleted).length;

      const byId = new Map<string, (typeof docs)[number]>();
      const seqs = new Set<number>();
      for (const doc of docs) {
        if (byId.has(doc.externalId)) {
          tally.duplicated++;
          tally.problems.push(`${where}: ${doc.externalId} is stored twice`);
        }
        byId.set(doc.externalId, doc);
        if (seqs.has(doc.changeSeq)) {
          tally.duplicated++;
          tally.problems.push(`${where}: two records at feed position ${doc.changeSeq}`);
        }
        seqs.add(doc.changeSeq);
      }
      for (const [id, record] of truth) {
        const doc = byId.get(id);
        const storedLive = doc !== undefined && doc.lastAction !== 'deleted';
        if (!record.deleted && !storedLive) {
          tally.missing++;
          if (tally.missing <= 5) tally.problems.push(`${where}: ${id} is missing`);
        } else if (record.deleted && storedLive) {
          tally.wrong++;
          if (tally.wrong <= 5) tally.problems.push(`${where}: ${id} was deleted at the provider but is stored live`);
        } else if (storedLive) {
          // Deep: some providers' values are objects (Zoho's lookups).
          const differing = Object.keys(doc.data).filter((field) => field !== 'SystemModstamp' && !isDeepStrictEqual(doc.data[field], record.values[field]));
          if (differing.length > 0) {
            tally.wrong++;
            if (tally.wrong <= 5) tally.problems.push(`${where}: ${id} differs in ${differing.join(', ')}`);
          }
        }
      }
      for (const doc of docs) {
        if (doc.lastAction !== 'deleted') tally.recordsStored++;
        if (!truth.has(doc.externalId)) {
          tally.wrong++;
          tally.problems.push(`${where}: ${doc.externalId} is stored but unknown to the provider`);
        }
      }

      // The changes feed: each stored change must lie in exactly one delivered sync webhook's (cursor, endCursor].
      // Only this life's webhooks: an earlier life of the connection id (deleted, created again) announced its own
      // feed, whose positions start at 1 too and whose cursors this life refuses.
      const feed = { connectionId, model, incarnation };
      const ranges = uniqueSyncEvents(received, connectionId, model).flatMap((event) => {
        const from = readCursor(event.changes.cursor, feed);
        const to = readCursor(event.changes.endCursor, feed);
        return 'problem' in from || 'problem' in to ? [] : [{ from: from.seq, to: to.seq }];
      });
      for (const doc of docs) {
        const covering = ranges.filter((range) => doc.changeSeq > range.from && doc.changeSeq <= range.to).length;
        if (covering === 0) {
          tally.unannounced++;
          if (tally.unannounced <= 5) tally.problems.push(`${where}: the change of ${doc.externalId} (feed position ${doc.changeSeq}) was never announced`);
        } else if (covering > 1) {
          tally.duplicated++;
          if (tally.duplicated <= 5) tally.problems.push(`${where}: the change of ${doc.externalId} was announced by ${covering} webhooks`);
        }
      }
    }
  }
  if (tally.webhooksDelivered < tally.webhooksExpected) {
    tally.problems.push(`${tally.webhooksExpected - tally.webhooksDelivered} webhook(s) owed never arrived`);
  }
  return tally;
}

function uniqueSyncEvents(received: TestStack['receiver']['received'], connectionId: string, model: string): SyncWebhookEvent[] {
  const events = new Map<string, SyncWebhookEvent>();
  for (const { event } of received) {
    if (event.type === 'sync' && event.connectionId === connectionId && event.model === model) events.set(event.id, event);
  }
  return [...events.values()];
}
