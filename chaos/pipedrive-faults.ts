// Scenario p: a Pipedrive company synced through worker kills, dying tokens, burst storms and server errors while its
// users change, merge and delete persons (deletes reported by Basic-auth webhooks); then compared with its truth.
import { isDeepStrictEqual } from 'node:util';
import { readCursor } from '../contracts/change-cursor';
import type { SyncWebhookEvent } from '../contracts/webhook-events';
import type { Random } from '../sandbox/common/random';
import { startPipedriveSandbox, type PipedriveObject, type PipedriveSandbox } from '../sandbox/pipedrive/server';
import { recordsOfFeed } from '../store/records';
import { eventually } from '../test/support/eventually';
import { pipedriveConnector } from '../test/support/pipedrive-stack';
import { sleep, type ChaosContext } from './context';
import type { ScenarioResult } from './report';
import { startChaosStack, type ChaosStack } from './stack';
import { emptyTally, type Tally } from './verify';
import { HOLD_MS, requestSyncs, runsInFlight } from './workload';

export interface PipedriveFaultsParams {
  connections: number;
  persons: number;
  organizations: number;
  /** Faults, one after another, each landing in a run that is between pages. */
  faults: number;
  /** Extra latency per sandbox call, so a sync spans several faults. */
  pageDelayMs: number;
  settleTimeoutMs: number;
}

/** The connections' models are the company's objects, by the same names. */
const OBJECTS: PipedriveObject[] = ['persons', 'organizations'];
const HOURLY = Object.fromEntries(OBJECTS.map((object) => [object, { frequency: '1h' }]));

type FaultKind = 'worker kill' | 'tokens expired' | 'burst storm' | 'server errors';
const FAULT_CYCLE: FaultKind[] = ['worker kill', 'tokens expired', 'burst storm', 'worker kill', 'server errors'];

export async function pipedriveFaults(context: ChaosContext, params: PipedriveFaultsParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  // Webhook retries after 30 ms, 300 ms and 1.5 s instead of 3, 30 and 150 s.
  const pipedrive = await startPipedriveSandbox({ seed: context.rng.int(1, 1_000_000), webhookTimeScale: 0.01 });
  let stack: ChaosStack | null = null;
  try {
    stack = await startChaosStack(context, { name: 'chaos-pipedrive' });
    pipedrive.seed('organizations', params.organizations, { tieGroupSize: 5 });
    pipedrive.seed('persons', params.persons, { tieGroupSize: 20 });
    pipedrive.faults.slowResponses({ delayMs: params.pageDelayMs });
    await stack.worker.start();
    const connector = pipedriveConnector(stack, pipedrive);
    const ids = Array.from({ length: params.connections }, (_, i) => `pipedrive-${i + 1}`);
    for (const id of ids) {
      const created = await connector.connectPipedrive(id, HOURLY);
      if (created.status !== 201) throw new Error(`connect ${id}: ${created.status} ${JSON.stringify(created.body)}`);
    }
    // As the docs tell an operator: a webhook per object with the integration's URL and Basic credentials.
    await connector.registerPipedriveWebhook('person');
    await connector.registerPipedriveWebhook('organization');

    const counts = new Map<FaultKind, number>();
    const problems: string[] = [];
    const changes = { updated: 0, created: 0, deleted: 0, merged: 0 };
    let rounds = 0;
    for (let n = 0; n < params.faults; n++) {
      // Users change records whether or not a run is reading them: a change behind a run's cursor is the next run's.
      changePipedriveRecords(pipedrive, context.rng, 40, changes);
      rounds++;
      if ((await runsInFlight(stack, ids)) === 0) await requestSyncs(stack, ids, context.rng.chance(0.25) ? 'full' : 'incremental');
      const kind = FAULT_CYCLE[n % FAULT_CYCLE.length];
      const underWay = await waitForRunBetweenPages(stack, pipedrive, ids);
      await inject(kind, stack, pipedrive);
      pipedrive.faults.slowResponses({ delayMs: params.pageDelayMs });
      const run = await stack.store.runs.find(underWay);
      const landed = run !== null && run.finishedAt === null;
      if (!landed) problems.push(`the ${kind} missed run ${underWay}: it had ended before`);
      counts.set(kind, (counts.get(kind) ?? 0) + 1);
      context.log(`  ${kind} ${n + 1}/${params.faults} (${landed ? 'landed in a run between pages' : 'MISSED'})`);
      if (kind === 'worker kill') await stack.worker.start();
    }

    pipedrive.faults.clear();
    await stack.worker.start();
    // Every delete report is in before the last ask: what the final runs must apply.
    await pipedrive.webhooksFlushed();
    problems.push(...(await settle(stack, ids, params.settleTimeoutMs)));
    const tally = await compareWithTruth(stack, pipedrive, ids);
    tally.problems.unshift(...problems);
    const stats = pipedrive.stats();
    const webhooks = pipedrive.webhookStats();
    return {
      scenario: 'p. Pipedrive under faults',
      faults:
        `${[...counts].map(([kind, count]) => `${count} ${kind}`).join(', ')}; ${params.connections} connections × 2 objects, ` +
        `${rounds} rounds of provider changes (${changes.updated} updated, ${changes.created} created, ${changes.deleted} deleted, ${changes.merged} merged) and resyncs`,
      notes: [
        `sandbox calls delayed ${params.pageDelayMs} ms (${HOLD_MS} ms while a fault waited for a run between pages); refusals: ${JSON.stringify(stats.refusals)}`,
        `Pipedrive webhooks: ${JSON.stringify(webhooks)}`,
        'organizations are updated and created, not deleted: only persons are deleted and merged',
        ...stack.worker.unexpectedExits,
      ],
      tally,
      seconds: (Date.now() - startedAt) / 1000,
    };
  } finally {
    await stack?.close();
    await pipedrive.close();
  }
}

async function inject(kind: FaultKind, stack: ChaosStack, pipedrive: PipedriveSandbox): Promise<void> {
  switch (kind) {
    case 'worker kill':
      return stack.worker.kill();
    case 'tokens expired':
      return pipedrive.expireSessions();
    case 'burst storm':
      return pipedrive.faults.rateLimitStorm({ seconds: 4, kind: 'burst' });
    case 'server errors':
      return pipedrive.faults.failNextRequests({ count: 3, status: 503 });
  }
}

/**
 * Waits for a full read (a first sync or a full resync) that has just stored another page and has read fewer records
 * than the company holds, so it certainly has another page to ask for (held at HOLD_MS meanwhile, so the fault lands
 * before it comes back). A run left "running" by a killed worker stores nothing and is not taken. Asks for full
 * resyncs while nothing runs. Returns the run's id.
 */
async function waitForRunBetweenPages(stack: ChaosStack, pipedrive: PipedriveSandbox, ids: string[], timeoutMs = 180_000): Promise<string> {
  pipedrive.faults.slowResponses({ delayMs: HOLD_MS });
  const deadline = Date.now() + timeoutMs;
  const pagesSeen = new Map<string, number>();
  for (;;) {
    const running = await stack.store.runs.collection
      .find({ connectionId: { $in: ids }, status: 'running' }, { projection: { _id: 1, model: 1, pages: 1, recordsRead: 1, startCursor: 1 } })
      .toArray();
    for (const run of running) {
      const before = pagesSeen.get(run._id);
      const moreToRead = run.startCursor === null && run.recordsRead < pipedrive.records(run.model as PipedriveObject).length;
      if (before !== undefined && run.pages > before && moreToRead) return run._id;
      pagesSeen.set(run._id, run.pages);
    }
    if (running.length === 0) await requestSyncs(stack, ids, 'full');
    if (Date.now() > deadline) throw new Error(`no full read of ${ids.join(', ')} stored a page with more to read within ${timeoutMs / 1000} s`);
    await sleep(running.length === 0 ? 1000 : 100);
  }
}

/** Updates, creates, deletes and merges about `count` records, as the company's users would. */
function changePipedriveRecords(pipedrive: PipedriveSandbox, rng: Random, count: number, done: { updated: number; created: number; deleted: number; merged: number }): void {
  const persons = pipedrive.records('persons');
  for (let i = 0; i < Math.round(count * 0.8) && persons.length > 2; i++) {
    const person = persons.splice(rng.int(0, persons.length - 1), 1)[0];
    const roll = rng.next();
    if (roll < 0.5) {
      pipedrive.update('persons', person.id, { name: `Chaos ${rng.int(1, 1_000_000)}` });
      done.updated++;
    } else if (roll < 0.75) {
      pipedrive.delete('persons', person.id);
      done.deleted++;
    } else if (roll < 0.85) {
      const into = persons.splice(rng.int(0, persons.length - 1), 1)[0];
      pipedrive.merge('persons', person.id, into.id);
      done.merged++;
    } else {
      pipedrive.create('persons', { name: `Chaos Newcomer ${rng.int(1, 1_000_000)}` });
      done.created++;
    }
  }
  const organizations = pipedrive.records('organizations');
  for (let i = 0; i < Math.round(count * 0.2) && organizations.length > 0; i++) {
    if (rng.chance(0.7)) {
      pipedrive.update('organizations', organizations[rng.int(0, organizations.length - 1)].id, { name: `Chaos Inc ${rng.int(1, 1_000_000)}` });
      done.updated++;
    } else {
      pipedrive.create('organizations', { name: `Chaos Newcomer Ltd ${rng.int(1, 1_000_000)}` });
      done.created++;
    }
  }
}

/** One more incremental sync of every model, finished, and every webhook owed to the app arrived. */
async function settle(stack: ChaosStack, ids: string[], timeoutMs: number): Promise<string[]> {
  const problems: string[] = [];
  const askedAt = new Date();
  await eventually(() => requestSyncs(stack, ids), { timeoutMs: 60_000, what: 'the final sync requests to be accepted' });
  const deadline = Date.now() + timeoutMs;
  for (const connectionId of ids) {
    const latest = await eventually(
      async () => {
        const runs = await stack.store.runs.latestPerModel(connectionId, OBJECTS);
        return Object.values(runs).every((run) => run && run.startedAt >= askedAt && run.status !== 'running') ? runs : null;
      },
      { timeoutMs: Math.max(1000, deadline - Date.now()), intervalMs: 500, what: `${connectionId}'s final runs` },
    );
    for (const run of Object.values(latest)) if (run?.status === 'failed') problems.push(`${connectionId} ${run.model}: the final run failed: ${run.error?.message}`);
  }
  await eventually(
    async () => {
      const arrived = new Set(stack.receiver.received.map((webhook) => webhook.idempotencyKey));
      return [...(await owedWebhooks(stack, ids))].every((key) => arrived.has(key));
    },
    { timeoutMs: Math.max(1000, deadline - Date.now()), intervalMs: 500, what: 'every webhook owed to arrive' },
  ).catch((error: unknown) => problems.push(String(error)));
  return problems;
}

/** Idempotency keys the app must receive: every run that changed something, and every event delivery was tried for. */
async function owedWebhooks(stack: ChaosStack, ids: string[]): Promise<Set<string>> {
  const runs = await stack.store.runs.collection.find({ connectionId: { $in: ids }, status: 'succeeded' }, { projection: { outcome: 1 } }).toArray();
  const owed = new Set(runs.filter((run) => run.outcome && run.outcome.added + run.outcome.updated + run.outcome.deleted > 0).map((run) => run._id));
  for (const eventId of await stack.store.webhookDeliveries.eventIds(ids)) owed.add(eventId);
  return owed;
}

/**
 * Each connection's stored persons and organizations against the company's: every live record stored once with its
 * values (no custom field was asked for, so none is stored), every deleted or merged-away one stored deleted, and
 * every stored change in exactly one delivered sync webhook's range.
 */
async function compareWithTruth(stack: ChaosStack, pipedrive: PipedriveSandbox, ids: string[]): Promise<Tally> {
  const tally = emptyTally();
  const received = stack.receiver.received.filter((webhook) => ids.includes(webhook.event.connectionId));
  const arrivals = new Map<string, number>();
  for (const webhook of received) arrivals.set(webhook.idempotencyKey ?? '(none)', (arrivals.get(webhook.idempotencyKey ?? '(none)') ?? 0) + 1);
  tally.webhookDuplicates = [...arrivals.values()].reduce((sum, n) => sum + n - 1, 0);
  const owed = await owedWebhooks(stack, ids);
  tally.webhooksExpected = owed.size;
  tally.webhooksDelivered = [...owed].filter((key) => arrivals.has(key)).length;
  if (tally.webhooksDelivered < tally.webhooksExpected) tally.problems.push(`${tally.webhooksExpected - tally.webhooksDelivered} webhook(s) owed never arrived`);

  for (const connectionId of ids) {
    const incarnation = (await stack.store.connections.find(connectionId))?.incarnation;
    for (const object of OBJECTS) {
      const where = `${connectionId} ${object}`;
      const truth = new Map(pipedrive.records(object, { includeDeleted: true }).map((item) => [String(item.id), item]));
      const docs = await stack.store.records.collection
        .find(recordsOfFeed({ connectionId, model: object, incarnation }), { projection: { externalId: 1, data: 1, lastAction: 1, changeSeq: 1 } })
        .toArray();
      tally.recordsExpected += [...truth.values()].filter((item) => !item.is_deleted).length;
      const byId = new Map<string, (typeof docs)[number]>();
      const seqs = new Set<number>();
      for (const doc of docs) {
        if (byId.has(doc.externalId) || seqs.has(doc.changeSeq)) {
          tally.duplicated++;
          tally.problems.push(`${where}: ${doc.externalId} is stored twice or shares feed position ${doc.changeSeq}`);
        }
        byId.set(doc.externalId, doc);
        seqs.add(doc.changeSeq);
        if (doc.lastAction !== 'deleted') tally.recordsStored++;
      }
      for (const [id, item] of truth) {
        const doc = byId.get(id);
        const storedLive = doc !== undefined && doc.lastAction !== 'deleted';
        if (!item.is_deleted && !storedLive) {
          if (++tally.missing <= 5) tally.problems.push(`${where}: ${id} is missing`);
        } else if (item.is_deleted && storedLive) {
          if (++tally.wrong <= 5) tally.problems.push(`${where}: ${id} was deleted at Pipedrive but is stored live`);
        } else if (storedLive) {
          const expected: Record<string, unknown> = { ...item, custom_fields: {} };
          const differing = [...new Set([...Object.keys(doc.data), ...Object.keys(expected)])].filter((field) => !isDeepStrictEqual(doc.data[field], expected[field]));
          if (differing.length > 0 && ++tally.wrong <= 5) tally.problems.push(`${where}: ${id} differs in ${differing.join(', ')}`);
        }
      }
      for (const doc of docs) {
        if (!truth.has(doc.externalId) && ++tally.wrong <= 5) tally.problems.push(`${where}: ${doc.externalId} is stored but unknown to Pipedrive`);
      }
      // Each stored change lies in exactly one delivered sync webhook's (cursor, endCursor].
      const feed = { connectionId, model: object, incarnation };
      const events = new Map<string, SyncWebhookEvent>();
      for (const { event } of received) if (event.type === 'sync' && event.connectionId === connectionId && event.model === object) events.set(event.id, event);
      const ranges = [...events.values()].flatMap((event) => {
        const from = readCursor(event.changes.cursor, feed);
        const to = readCursor(event.changes.endCursor, feed);
        return 'problem' in from || 'problem' in to ? [] : [{ from: from.seq, to: to.seq }];
      });
      for (const doc of docs) {
        const covering = ranges.filter((range) => doc.changeSeq > range.from && doc.changeSeq <= range.to).length;
        if (covering === 0 && ++tally.unannounced <= 5) tally.problems.push(`${where}: the change of ${doc.externalId} was never announced`);
        if (covering > 1 && ++tally.duplicated <= 5) tally.problems.push(`${where}: the change of ${doc.externalId} was announced by ${covering} webhooks`);
      }
    }
  }
  return tally;
}
