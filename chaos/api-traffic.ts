// What apps do meanwhile: a steady stream of API requests, each sent to the next API process in turn, as a
// round-robin load balancer would, with every answer checked against the status the API documents for it.
import type { SalesforceSandbox } from '../sandbox/salesforce/server';
import type { ApiProcess } from './api-processes';
import { sleep } from './context';
import { HOURLY, MODELS } from './workload';

export interface ApiTrafficReport {
  /** Per kind of request: how many were sent. */
  sent: Record<string, number>;
  /** Answers that were not the documented status, and requests no process answered. */
  problems: string[];
}

export interface ApiTraffic {
  stop(): Promise<ApiTrafficReport>;
}

interface Step {
  kind: string;
  run(at: { here: ApiProcess; there: ApiProcess; tick: number }): Promise<string | null>;
}

/** Null when the answer is the one expected, else the problem in words. */
async function expect(api: ApiProcess, method: string, path: string, status: number, body?: unknown): Promise<{ problem: string | null; body: unknown }> {
  const answer = await api.api(method, path, body);
  const problem = answer.status === status ? null : `${method} ${path} on ${api.label}: ${answer.status} ${JSON.stringify(answer.body).slice(0, 200)} (expected ${status})`;
  return { problem, body: answer.body };
}

/**
 * Sends one request every `everyMs` until stopped, alternating between the API processes: connection and runs reads,
 * sync requests, pages of the changes feed (the next page from the other process, with the first's cursor), and now
 * and then a connection created on one process, read and deleted on the other.
 */
export function startApiTraffic(
  apis: ApiProcess[],
  { connectionIds, sandbox, everyMs }: { connectionIds: string[]; sandbox: SalesforceSandbox; everyMs: number },
): ApiTraffic {
  const sent: Record<string, number> = {};
  const problems: string[] = [];
  let stopped = false;
  let scratch = 0;
  /** Each kind of request goes to every API process in turn; connections and models cycle once per round of kinds. */
  const stepOf = (tick: number) => steps[Math.floor(tick / apis.length) % steps.length];
  const pick = <T>(list: T[], tick: number) => list[Math.floor(tick / (apis.length * steps.length)) % list.length];

  const steps: Step[] = [
    {
      kind: 'GET connection',
      run: async ({ here, tick }) => (await expect(here, 'GET', `/connections/${pick(connectionIds, tick)}`, 200)).problem,
    },
    {
      kind: 'GET records (two pages)',
      run: async ({ here, there, tick }) => {
        const feed = `connectionId=${pick(connectionIds, tick)}&model=${pick(MODELS, tick)}&limit=200`;
        const first = await expect(here, 'GET', `/records?${feed}`, 200);
        if (first.problem) return first.problem;
        const cursor = (first.body as { nextCursor: string }).nextCursor;
        return (await expect(there, 'GET', `/records?${feed}&cursor=${encodeURIComponent(cursor)}`, 200)).problem;
      },
    },
    {
      kind: 'POST sync',
      run: async ({ here, tick }) => (await expect(here, 'POST', `/connections/${pick(connectionIds, tick)}/sync`, 202, { mode: 'incremental' })).problem,
    },
    {
      kind: 'GET runs',
      run: async ({ here, tick }) => (await expect(here, 'GET', `/connections/${pick(connectionIds, tick)}/runs`, 200)).problem,
    },
  ];
  const createAndDelete: Step = {
    kind: 'create here, read and delete there',
    run: async ({ here, there }) => {
      const connectionId = `scratch-${++scratch}`;
      const grant = sandbox.issueGrant();
      const body = {
        connectionId,
        integration: 'salesforce-sandbox',
        credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.instanceUrl },
        syncs: HOURLY,
      };
      for (const [api, method, path, status, payload] of [
        [here, 'POST', '/connections', 201, body],
        [there, 'GET', `/connections/${connectionId}`, 200, undefined],
        [there, 'DELETE', `/connections/${connectionId}`, 200, undefined],
        [here, 'GET', `/connections/${connectionId}`, 404, undefined],
      ] as const) {
        const { problem } = await expect(api, method, path, status, payload);
        if (problem) return problem;
      }
      return null;
    },
  };

  const loop = (async () => {
    for (let tick = 0; !stopped; tick++) {
      // Every 20th step creates and deletes a connection: workflows come and go while the others sync.
      const step = tick % 20 === 10 ? createAndDelete : stepOf(tick);
      // Creates alternate too: every 20th tick is even, so count them instead.
      const turn = step === createAndDelete ? scratch : tick;
      const here = apis[turn % apis.length];
      const there = apis[(turn + 1) % apis.length];
      sent[step.kind] = (sent[step.kind] ?? 0) + 1;
      const problem = await step.run({ here, there, tick }).catch((error: unknown) => `${step.kind} via ${here.label}: no answer (${String(error)})`);
      if (problem) problems.push(problem);
      await sleep(everyMs);
    }
  })();

  return {
    async stop() {
      stopped = true;
      await loop;
      for (const api of apis) if (api.answered === 0) problems.push(`${api.label} answered no request`);
      return { sent, problems };
    },
  };
}
