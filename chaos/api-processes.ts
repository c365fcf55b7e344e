// API processes of a chaos stack: replicas of the API on the stack's database and task queue, as a load balancer
// would see them, each on its own loopback port.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { apiEnvironment } from '../api/config';
import { freePort, spawnLogged, stopProcess, waitUntil } from '../devstack/processes';
import type { ApiResponse, ResponseJson } from '../test/support/test-stack';
import type { ChaosContext } from './context';
import type { ChaosStack } from './stack';

const ROOT = join(__dirname, '..');

export interface ApiProcess {
  label: string;
  pid: number;
  url: string;
  /** Requests this process answered (any status), for the report and the "both answered" check. */
  answered: number;
  api<T = ResponseJson>(method: string, path: string, body?: unknown): Promise<ApiResponse<T>>;
  stop(): Promise<void>;
}

/** Starts `count` API processes (api/main.ts, as deployed) and resolves once each answers /readyz. */
export async function startApiProcesses(context: ChaosContext, stack: ChaosStack, name: string, count: number): Promise<ApiProcess[]> {
  const started: ApiProcess[] = [];
  try {
    for (let i = 1; i <= count; i++) started.push(await startApiProcess(context, stack, `${name}-api-${i}`));
  } catch (error) {
    await Promise.all(started.map((api) => api.stop()));
    throw error;
  }
  return started;
}

async function startApiProcess(context: ChaosContext, stack: ChaosStack, label: string): Promise<ApiProcess> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  // The stack's own API's config (its database, task queue and workflow id prefix: the replicas must address the same
  // workflows), on a port of its own.
  const env = {
    ...process.env,
    ...apiEnvironment({ ...stack.apiConfig, HOST: '127.0.0.1', PORT: port, TRIBUTARY_PUBLIC_URL: url, TRIBUTARY_SECRET_KEYS: [{ name: 'chaos', key: stack.secretKey }] }),
    LOG_LEVEL: 'warn',
  };
  const logFile = join(context.logDir, `${label}.log`);
  const child: ChildProcess = spawnLogged(process.execPath, ['--import', 'tsx', join(ROOT, 'api', 'main.ts')], { cwd: ROOT, env, logFile });
  try {
    await waitUntil(async () => (await fetch(`${url}/readyz`)).ok, { timeoutMs: 120_000, what: `${label} (log: ${logFile})`, child });
  } catch (error) {
    await stopProcess(child);
    throw error;
  }
  const replica: ApiProcess = {
    label,
    pid: child.pid as number,
    url,
    answered: 0,
    async api(method, path, body) {
      const response = await fetch(`${url}${path}`, {
        method,
        headers: { authorization: `Bearer ${stack.secretKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      replica.answered++;
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    },
    stop: () => stopProcess(child),
  };
  return replica;
}
