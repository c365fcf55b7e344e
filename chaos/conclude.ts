// How every scenario ends: the worker back, faults off, one more sync, then the comparison against the truth.
import type { ScenarioResult } from './report';
import type { ChaosStack } from './stack';
import { settle, verify, type TruthOf } from './verify';

export async function conclude(
  stack: ChaosStack,
  connectionIds: string[],
  outcome: { scenario: string; faults: string; notes: string[]; startedAt: number; settleTimeoutMs: number },
  /** Where the records the connections sync really are: the stack's Salesforce org unless the scenario says. */
  truthOf?: TruthOf,
): Promise<ScenarioResult> {
  stack.sandbox.faults.clear();
  stack.receiver.failWith = null;
  await stack.receiver.acceptConnections();
  await stack.worker.start();
  const settleProblems = await settle(stack, connectionIds, { timeoutMs: outcome.settleTimeoutMs });
  const tally = await verify(stack, connectionIds, truthOf);
  tally.problems.unshift(...settleProblems);
  const notes = [...outcome.notes, ...stack.worker.unexpectedExits];
  return { scenario: outcome.scenario, faults: outcome.faults, tally, notes, seconds: (Date.now() - outcome.startedAt) / 1000 };
}
