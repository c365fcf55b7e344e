// Small process helpers for the dev stack: spawn with logs to a file, free ports, wait for readiness, stop cleanly.
import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname } from 'node:path';

export interface SpawnOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Where stdout and stderr go; without it they are discarded. */
  logFile?: string;
  /** Also echo each output line to the console with this prefix (`npm run dev`). */
  consolePrefix?: string;
  /** What the console shows of a line (the log file keeps it as written); null shows nothing. */
  consoleLine?: (line: string) => string | null;
}

export function spawnLogged(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env ?? process.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group, so stopping it also stops whatever it started (tsx runs node as a child).
    detached: true,
  });
  const log = options.logFile ? openLog(options.logFile) : null;
  for (const stream of [child.stdout, child.stderr]) {
    stream?.on('data', (chunk: Buffer) => {
      log?.write(chunk);
      if (options.consolePrefix) {
        for (const line of chunk.toString().split('\n').filter(Boolean)) {
          const shown = options.consoleLine ? options.consoleLine(line) : line;
          if (shown !== null) process.stdout.write(`${options.consolePrefix} ${shown}\n`);
        }
      }
    });
  }
  child.once('exit', () => log?.end());
  return child;
}

function openLog(path: string) {
  mkdirSync(dirname(path), { recursive: true });
  return createWriteStream(path, { flags: 'a' });
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a server on ports picked by freePort(), again on fresh ones if it fails: a picked port is only free when it
 * was picked, and another process can bind it first ("address already in use"). A caller that chose its ports gets
 * exactly one try (`portsChosen`).
 */
export async function startOnFreePorts<T>(start: () => Promise<T>, { portsChosen }: { portsChosen: boolean }): Promise<T> {
  const attempts = portsChosen ? 1 : 3;
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (error) {
      if (attempt >= attempts) throw error;
    }
  }
}

export async function waitUntil(probe: () => Promise<boolean>, { timeoutMs, what, child }: { timeoutMs: number; what: string; child?: ChildProcess }): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child && child.exitCode !== null) throw new Error(`${what}: the process exited with code ${child.exitCode}`);
    if (await probe().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`${what}: not ready after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** SIGTERM to the whole process group, SIGKILL after a grace period. */
export async function stopProcess(child: ChildProcess, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  signalGroup(child, 'SIGTERM');
  const timer = setTimeout(() => signalGroup(child, 'SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-(child.pid as number), signal);
  } catch {
    // Already gone.
  }
}
