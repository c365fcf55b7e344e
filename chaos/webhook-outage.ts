// Scenario d: the app's webhook receiver fails (5xx, hangs past the timeout, refuses connections) while syncs keep
// announcing changes; every event must still land, with its idempotency key, and the retries must be on record.
import { sleep, type ChaosContext } from './context';
import { conclude } from './conclude';
import type { ScenarioResult } from './report';
import { startChaosStack } from './stack';
import { HOURLY, changeRecords, requestSyncs, seedOrg, type OrgSize } from './workload';

export interface WebhookOutageParams {
  connections: number;
  org: OrgSize;
  failForMs: number;
  /** The receiver switches to another failure mode this often. */
  modeEveryMs: number;
  /** Provider changes and a sync of every connection this often during the outage: each run owes a webhook. */
  changeEveryMs: number;
  settleTimeoutMs: number;
}

type FailureMode = 500 | 503 | 'timeout' | 'refused';
const MODES: FailureMode[] = [503, 'timeout', 'refused', 500];

export async function webhookOutage(context: ChaosContext, params: WebhookOutageParams): Promise<ScenarioResult> {
  const startedAt = Date.now();
  const stack = await startChaosStack(context, { name: 'chaos-webhooks', webhookTimeoutSeconds: 2 });
  try {
    const ids = Array.from({ length: params.connections }, (_, i) => `hooks-${i + 1}`);
    seedOrg(stack.sandbox, params.org);
    await stack.worker.start();
    const used = new Set<FailureMode>();
    const setMode = async (mode: FailureMode) => {
      used.add(mode);
      if (mode === 'refused') {
        stack.receiver.failWith = null;
        await stack.receiver.refuseConnections();
      } else {
        await stack.receiver.acceptConnections();
        stack.receiver.failWith = mode;
      }
    };
    // Failing from the start: the connections' first webhooks (auth and the initial syncs) meet the outage too.
    let modeIndex = context.rng.int(0, MODES.length - 1);
    await setMode(MODES[modeIndex]);
    await stack.connectAll(ids, HOURLY);
    const outageEnds = Date.now() + params.failForMs;
    let nextMode = Date.now() + params.modeEveryMs;
    let rounds = 0;
    while (Date.now() < outageEnds) {
      await sleep(Math.min(params.changeEveryMs, Math.max(0, outageEnds - Date.now())));
      if (Date.now() >= nextMode) {
        modeIndex = (modeIndex + 1) % MODES.length;
        await setMode(MODES[modeIndex]);
        nextMode = Date.now() + params.modeEveryMs;
      }
      changeRecords(stack.sandbox, context.rng, 10);
      if (await requestSyncs(stack, ids)) rounds++;
    }
    const requestsDuringOutage = stack.receiver.requests;
    const result = await conclude(stack, ids, {
      scenario: 'd. webhook receiver failing',
      faults: `receiver down ${Math.round(params.failForMs / 1000)} s (${[...used].map((mode) => (typeof mode === 'number' ? `HTTP ${mode}` : mode === 'timeout' ? 'no answer past the 2 s timeout' : 'connection refused')).join(', ')}), ${rounds} rounds of changes announced meanwhile`,
      notes: [`${requestsDuringOutage} delivery requests reached the receiver during the outage (refused connections never do)`],
      startedAt,
      settleTimeoutMs: params.settleTimeoutMs,
    });
    // What the API shows: every attempt, with the receiver's status or why it was unreachable.
    let retried = 0;
    let maxAttempt = 0;
    for (const id of ids) {
      const { body } = await stack.api('GET', `/connections/${id}/webhook-deliveries`);
      const attempts = body.deliveries as { eventId: string; attempt: number; status: number | null }[];
      const byEvent = new Map<string, number>();
      for (const attempt of attempts) byEvent.set(attempt.eventId, Math.max(byEvent.get(attempt.eventId) ?? 0, attempt.attempt));
      retried += [...byEvent.values()].filter((attempt) => attempt > 1).length;
      maxAttempt = Math.max(maxAttempt, ...byEvent.values());
    }
    result.notes.push(`GET /connections/:id/webhook-deliveries: ${retried} events needed more than one attempt, up to ${maxAttempt} attempts`);
    if (retried === 0) result.tally.problems.push('no delivery needed a retry: the outage was not felt');
    return result;
  } finally {
    await stack.close();
  }
}
