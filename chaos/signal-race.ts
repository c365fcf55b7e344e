// Scenario e: creates, deletes and sync requests of one connection fired at once, again and again. After every round
// the connection exists with exactly one running workflow, or neither exists; sync requests accepted by a connection
// that stays are never lost; duplicate creates never start a second workflow.
import type { Client } from '@temporalio/client';
import type { ConnectionState } from '../contracts/connection-workflow-messages';
import { sleep, type ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack, type ChaosStack } from './stack';
import { HOURLY, MODELS, seedOrg, type OrgSize } from './workload';

export interface SignalRaceParams {
  rounds: number;
  /** Of each kind per round: this many creates, deletes and sync requests, shuffled, each after a random 0–30 ms. */
  callsPerKind: number;
  /** Sync requests sent at once to the surviving connection (the "no lost signals" part). */
  signalStorm: number;
  org: OrgSize;
  settleTimeoutMs: number;
}

const ID = 'race';

export async function signalRace(context: ChaosContext, params: SignalRaceParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const stack = await startChaosStack(context, { name: 'chaos-race' });
  try {
    seedOrg(stack.sandbox, params.org);
    await stack.worker.start();
    // Registers the integration once.
    if ((await stack.connectSalesforce(ID, HOURLY)).status !== 201) throw new Error('the first create failed');
    const statuses = new Map<string, number>();
    const count = (what: string) => statuses.set(what, (statuses.get(what) ?? 0) + 1);
    const problems: string[] = [];

    for (let round = 1; round <= params.rounds; round++) {
      const calls: (() => Promise<{ kind: string; status: number }>)[] = [];
      for (let i = 0; i < params.callsPerKind; i++) {
        calls.push(() => stack.connectSalesforce(ID, HOURLY).then(tagged('create')));
        calls.push(() => stack.api('DELETE', `/connections/${ID}`).then(tagged('delete')));
        calls.push(() => stack.api('POST', `/connections/${ID}/sync`, { mode: 'incremental' }).then(tagged('sync')));
      }
      const shuffled = calls.map((call) => ({ call, key: context.rng.next() })).sort((a, b) => a.key - b.key);
      const answers = await Promise.all(shuffled.map(async ({ call }) => {
        await sleep(context.rng.int(0, 30));
        return call();
      }));
      for (const answer of answers) {
        count(`${answer.kind} ${answer.status}`);
        if (answer.status >= 500) problems.push(`round ${round}: ${answer.kind} answered ${answer.status}`);
      }
      const state = await existence(stack);
      if (state !== 'both' && state !== 'neither') problems.push(`round ${round}: inconsistent: ${state}`);
    }

    // The surviving connection: create it if the last round deleted it, and let its first run finish.
    if ((await existence(stack)) === 'neither') await stack.connectAll([ID], HOURLY);
    const before = await runningWorkflows(stack.temporal, stack.workflowId(ID));
    await waitForIdle(stack);
    const stormAt = new Date();
    const storm = await Promise.all([
      ...Array.from({ length: params.signalStorm }, () => stack.api('POST', `/connections/${ID}/sync`, { mode: 'incremental' })),
      ...Array.from({ length: 3 }, () => stack.connectSalesforce(ID, HOURLY)),
    ]);
    const accepted = storm.filter((answer) => answer.status === 202).length;
    const created = storm.filter((answer) => answer.status === 201).length;
    if (accepted !== params.signalStorm) problems.push(`only ${accepted} of ${params.signalStorm} sync requests were accepted`);
    if (created > 0) problems.push(`${created} duplicate create(s) of an existing connection answered 201`);
    await waitForIdle(stack);
    const runsAfter = await stack.store.runs.collection.countDocuments({ connectionId: ID, startedAt: { $gte: stormAt } });
    if (runsAfter === 0) problems.push('no run followed the accepted sync requests: a signal was lost');
    const after = await runningWorkflows(stack.temporal, stack.workflowId(ID));
    if (after.length !== 1 || before.length !== 1 || after[0] !== before[0]) {
      problems.push(`running workflows before the storm ${JSON.stringify(before)}, after ${JSON.stringify(after)}: expected one and the same`);
    }

    const result = await conclude(stack, [ID], {
      scenario: 'e. create / delete / resync race',
      faults: `${params.rounds} rounds of ${params.callsPerKind} creates + ${params.callsPerKind} deletes + ${params.callsPerKind} sync requests at once; then ${params.signalStorm} sync requests and 3 duplicate creates at once`,
      notes: [
        `answers: ${[...statuses].sort().map(([what, n]) => `${what} ×${n}`).join(', ')}`,
        `${runsAfter} runs (of both models) began after the ${accepted} sync requests sent at once were accepted: coalesced, none lost`,
      ],
      startedAt,
      settleTimeoutMs: params.settleTimeoutMs,
    });
    result.tally.problems.unshift(...problems);
    return result;
  } finally {
    await stack.close();
  }
}

function tagged(kind: string) {
  return (answer: { status: number }) => ({ kind, status: answer.status });
}

/** Whether the connection document and its running workflow exist: "both" and "neither" are the consistent answers. */
async function existence(stack: ChaosStack): Promise<string> {
  const document = (await stack.store.connections.find(ID)) !== null;
  const workflows = await runningWorkflows(stack.temporal, stack.workflowId(ID));
  if (document && workflows.length === 1) return 'both';
  if (!document && workflows.length === 0) return 'neither';
  return `connection ${document ? 'exists' : 'is gone'} with ${workflows.length} running workflow(s)`;
}

/** Run ids of the running executions of this workflow id: Temporal's own view, not the store's. */
async function runningWorkflows(temporal: Client, workflowId: string): Promise<string[]> {
  try {
    const description = await temporal.workflow.getHandle(workflowId).describe();
    return description.status.name === 'RUNNING' ? [description.runId] : [];
  } catch {
    return [];
  }
}

/** No run in flight or asked for, per the workflow itself (a run is in its state before its first activity starts). */
async function waitForIdle(stack: ChaosStack): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const state = await stack.temporal.workflow
      .getHandle(stack.workflowId(ID))
      .query<ConnectionState>('connectionState')
      .catch(() => null);
    const ran = await stack.store.runs.latestPerModel(ID, MODELS);
    const idle = state !== null && Object.values(state.models).every((model) => model.activeRun === null && model.requestedMode === null);
    if (idle && Object.values(ran).every((run) => run !== null && run.status !== 'running')) return;
    if (Date.now() > deadline) throw new Error('the race connection did not become idle');
    await sleep(300);
  }
}
