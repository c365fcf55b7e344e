// A worker as a separate process a test can SIGKILL or drain, its output in .data/test/logs/<logName>.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { spawnLogged } from '../../devstack/processes';

const root = join(__dirname, '..', '..');

export function spawnWorker(workerEnv: Record<string, string>, logName: string, logLevel = 'warn'): ChildProcess {
  return spawnLogged(join(root, 'node_modules', '.bin', 'tsx'), [join(root, 'worker', 'main.ts')], {
    env: { ...process.env, ...workerEnv, LOG_LEVEL: logLevel },
    logFile: join(root, '.data', 'test', 'logs', logName),
  });
}
