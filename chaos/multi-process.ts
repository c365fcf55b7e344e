// Scenario m: more than one machine. Several worker processes and several API processes on one task queue and one
// database; during syncs a worker holding a slice is SIGKILLed and another one holding a slice is drained with
// SIGTERM, while API requests alternate between the API processes. Besides the records and webhooks: no two runs of
// one model at once, and no process of the scenario left behind.
import type { ChaosContext } from './context';
import { startApiProcesses, type ApiProcess } from './api-processes';
import { startApiTraffic, type ApiTraffic } from './api-traffic';
import { conclude } from './conclude';
import { describeProcesses, killProcesses, survivors } from './processes';
import type { ScenarioResult } from './report';
import { overlappingRuns } from './run-overlaps';
import { waitForSliceHeldBy } from './slice-holders';
import { startChaosStack, type ChaosStack, type ChaosWorker } from './stack';
import { changeRecords, HOURLY, landedMidRun, runsInFlight, seedOrg, type OrgSize } from './workload';

export interface MultiProcessParams {
  connections: number;
  org: OrgSize;
  workers: number;
  apis: number;
  /** Each round SIGKILLs one worker holding a slice and drains another with SIGTERM. */
  rounds: number;
  /** Extra latency per sandbox page, so syncs span the faults. */
  pageDelayMs: number;
  /** One API request this often, to the next API process in turn. */
  requestEveryMs: number;
  /** How long a SIGTERMed worker may take to hand its slice back and exit before it is SIGKILLed (a failure). */
  drainGraceMs: number;
  settleTimeoutMs: number;
}

const NAME = 'chaos-multi';

export async function multiProcess(context: ChaosContext, params: MultiProcessParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const stack = await startChaosStack(context, { name: NAME });
  const workers = [stack.worker, ...Array.from({ length: params.workers - 1 }, () => stack.addWorker())];
  let apis: ApiProcess[] = [];
  let result: ScenarioResult;
  try {
    apis = await startApiProcesses(context, stack, NAME, params.apis);
    result = await runFaults(context, params, stack, workers, apis, startedAt);
  } finally {
    await Promise.all(apis.map((api) => api.stop()));
    await stack.close();
  }
  // Checked after the teardown a real run ends with: every worker ever started (restarts too) and every API process.
  const pids = [...workers.flatMap((worker) => worker.startedPids), ...apis.map((api) => api.pid)];
  const left = survivors(pids);
  if (left.length > 0) {
    result.tally.problems.push(`process(es) of the scenario still alive after its teardown: ${describeProcesses(left)}`);
    killProcesses(left);
  }
  result.notes.push(`${pids.length} processes started (pids ${pids.join(', ')}); ${left.length === 0 ? 'none' : left.length} alive after the teardown`);
  result.seconds = (Date.now() - startedAt) / 1000;
  return result;
}

async function runFaults(
  context: ChaosContext,
  params: MultiProcessParams,
  stack: ChaosStack,
  workers: ChaosWorker[],
  apis: ApiProcess[],
  startedAt: number,
): Promise<ScenarioResult> {
  await Promise.all(workers.map((worker) => worker.start()));
  context.log(`  ${workers.map((worker) => `${worker.label} ${worker.pid}`).join(', ')}; ${apis.map((api) => `${api.label} ${api.pid} at ${api.url}`).join(', ')}`);
  seedOrg(stack.sandbox, params.org);
  stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
  const ids: string[] = [];
  const notes: string[] = [];
  const problems: string[] = [];
  let traffic: ApiTraffic | null = null;
  try {
    for (let round = 1; round <= params.rounds; round++) {
      // Each round's faults land in first syncs of connections of its own: a full resync over stored records would
      // do too, but on FerretDB it rewrites every record and takes minutes a round.
      if (round > 1) changeRecords(stack.sandbox, context.rng, 40);
      const fresh = Array.from({ length: params.connections }, (_, i) => `multi-${round}-${i + 1}`);
      await stack.connectAll(fresh, HOURLY);
      ids.push(...fresh);
      await firstRunsBegun(stack, fresh);
      traffic ??= startApiTraffic(apis, { connectionIds: ids, sandbox: stack.sandbox, everyMs: params.requestEveryMs });
      const killed = await killHolder(params, stack, fresh, workers);
      problems.push(...killed.problems);
      notes.push(`round ${round}: ${killed.text}`);
      context.log(`  ${killed.text}`);
      // "Another" worker: not the one just killed (and restarted).
      const drained = await drainHolder(params, stack, fresh, workers.filter((worker) => worker !== killed.worker));
      problems.push(...drained.problems);
      notes.push(`round ${round}: ${drained.text}`);
      context.log(`  ${drained.text}`);
    }
  } catch (error) {
    // Still settle and compare: whatever kept the faults from landing, what is stored and how the runs overlapped
    // says more than the error alone.
    problems.push(`the faults could not all be injected: ${error instanceof Error ? error.message : String(error)}`);
    context.log(`  ! ${problems.at(-1)}`);
  } finally {
    const report = await traffic?.stop();
    if (report) {
      problems.push(...report.problems);
      const sent = Object.entries(report.sent).map(([kind, n]) => `${kind} ×${n}`).join(', ');
      notes.push(`API requests alternated between ${apis.map((api) => `${api.label} (answered ${api.answered})`).join(' and ')}: ${sent}`);
    }
  }

  const result = await conclude(stack, ids, {
    scenario: 'm. several workers and APIs',
    faults: `${workers.length} worker processes and ${apis.length} API processes on one task queue and database; ${params.rounds} round(s) of ${params.connections} new connections × 2 models syncing, a worker holding a slice SIGKILLed and another drained with SIGTERM; API requests alternating between the API processes`,
    notes,
    startedAt,
    settleTimeoutMs: params.settleTimeoutMs,
  });
  result.tally.problems.push(...problems, ...(await overlappingRuns(stack, ids)));
  for (const worker of workers.slice(1)) result.notes.push(...worker.unexpectedExits);
  return result;
}

/**
 * Until the connections' first runs have begun: a wait for a run under way that finds none asks for full resyncs,
 * which here would only queue slow rereads behind the first syncs.
 */
async function firstRunsBegun(stack: ChaosStack, connectionIds: string[]): Promise<void> {
  const deadline = Date.now() + 120_000;
  while ((await runsInFlight(stack, connectionIds)) === 0) {
    if (Date.now() > deadline) throw new Error(`no run of ${connectionIds.join(', ')} began within 120 s of connecting`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

interface FaultOutcome {
  worker: ChaosWorker;
  text: string;
  problems: string[];
}

/** SIGKILLs the worker that runs the slice of a run under way, then restarts it, as a supervisor would. */
async function killHolder(params: MultiProcessParams, stack: ChaosStack, ids: string[], workers: ChaosWorker[]): Promise<FaultOutcome> {
  const { underWay, holder } = await waitForSliceHeldBy(stack, ids, workers);
  const pid = holder.pid;
  const killedAt = new Date();
  await holder.kill();
  stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
  const landing = await landedMidRun(stack, underWay, killedAt);
  await holder.start();
  return {
    worker: holder,
    text: `SIGKILL of ${holder.label} (pid ${pid}) while it ran the slice of ${underWay.connectionId}: ${landing.text}; restarted as pid ${holder.pid}`,
    problems: landing.landed ? [] : [landing.text],
  };
}

/**
 * SIGTERMs a worker that runs the slice of a run under way and waits for it to exit by itself: the slice must hand
 * back (end normally after the page in flight, its checkpoint stored) rather than be abandoned to a heartbeat timeout.
 * Then starts it again, as a rolling deploy would.
 */
async function drainHolder(params: MultiProcessParams, stack: ChaosStack, ids: string[], workers: ChaosWorker[]): Promise<FaultOutcome> {
  const { underWay, holder, before } = await waitForSliceHeldBy(stack, ids, workers);
  const pid = holder.pid;
  const drainedAt = new Date();
  const exit = await holder.drain(params.drainGraceMs);
  const seconds = (Date.now() - drainedAt.getTime()) / 1000;
  const after = await stack.store.runs.require(underWay.runId);
  stack.sandbox.faults.slowResponses({ delayMs: params.pageDelayMs });
  const landing = await landedMidRun(stack, underWay, drainedAt);
  await holder.start();
  const problems = landing.landed ? [] : [landing.text];
  // What a drain owes is the slice handed back, checked below. A worker that then takes longer than the grace to
  // finish its other tasks (page writes of other runs, on a loaded FerretDB) is SIGKILLed as an orchestrator would:
  // said in the report, and safe, since what it held is retried.
  const handedBack = after.slicesEnded > before.slicesEnded || after.status !== 'running';
  if (!handedBack) problems.push(`${holder.label} (pid ${pid}) exited after SIGTERM without ending the slice of run ${underWay.runId}: it was abandoned, not handed back`);
  return {
    worker: holder,
    text: `SIGTERM of ${holder.label} (pid ${pid}) while it ran the slice of ${underWay.connectionId}: ${landing.text}; it ${exit === 'code 0' ? 'exited by itself (code 0)' : `had not exited after the ${params.drainGraceMs / 1000} s grace and was ${exit}:`} ${seconds.toFixed(1)} s later, the slice ${handedBack ? 'handed back' : 'NOT handed back'} (slices ended ${before.slicesEnded} → ${after.slicesEnded}, pages ${before.pages} → ${after.pages}); restarted as pid ${holder.pid}`,
    problems,
  };
}
