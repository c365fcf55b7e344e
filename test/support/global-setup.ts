// Starts the real services once for the whole jest run (Temporal dev server, Mongo-wire server) and bundles workflows once.
import { bundleWorkflowCode } from '@temporalio/worker';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveMongo } from '../../devstack/mongo-server';
import { resolveTemporal } from '../../devstack/temporal-server';

const root = join(__dirname, '..', '..');
const workflowsEntry = join(root, 'workflows', 'index.ts');

interface TestService {
  stop(): Promise<void>;
}

/** Global setup and teardown run in the same process (jest's parent); teardown reads this to stop what setup started. */
export interface TributaryTestGlobals {
  __tributaryTestServices?: TestService[];
}

export default async function globalSetup(): Promise<void> {
  const logDir = join(root, '.data', 'test', 'logs');
  const startedAt = Date.now();
  // Settle both before failing, so the one that did start gets stopped.
  const results = await Promise.allSettled([
    resolveTemporal({ headless: true, logFile: join(logDir, 'temporal.log') }),
    resolveMongo({ logFile: join(logDir, 'mongo.log') }),
  ]);
  const started = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  (globalThis as TributaryTestGlobals).__tributaryTestServices = started;
  const [temporal, mongo] = results;
  try {
    if (temporal.status === 'rejected') throw temporal.reason;
    if (mongo.status === 'rejected') throw mongo.reason;
    process.env.TEMPORAL_ADDRESS = temporal.value.address;
    process.env.MONGODB_URI = mongo.value.uri;
    process.stderr.write(
      `\n[test] Temporal ${temporal.value.address}, ${mongo.value.kind} ${mongo.value.uri} (ready in ${Date.now() - startedAt} ms; logs in ${logDir})\n`,
    );
    await bundleWorkflows();
  } catch (error) {
    // Jest does not run global teardown when setup throws; the servers run in their own process groups and would be left behind.
    await stopTestServices(started);
    throw error;
  }
}

/** Bundling is the slow part of starting a test worker: do it once and share the file. */
export async function bundleWorkflows(): Promise<void> {
  if (!existsSync(workflowsEntry)) {
    process.stderr.write(`[test] WARNING: ${workflowsEntry} does not exist; no workflow bundle, workers will bundle on their own\n`);
    return;
  }
  const startedAt = Date.now();
  const { code } = await bundleWorkflowCode({ workflowsPath: workflowsEntry, logger: quietLogger() });
  const bundlePath = join(root, '.data', 'test', 'workflow-bundle.js');
  mkdirSync(join(root, '.data', 'test'), { recursive: true });
  // Write then rename: a second jest run on this checkout must never load a half-written bundle.
  writeFileSync(`${bundlePath}.${process.pid}.tmp`, code);
  renameSync(`${bundlePath}.${process.pid}.tmp`, bundlePath);
  process.env.TRIBUTARY_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.stderr.write(`[test] workflows bundled in ${Date.now() - startedAt} ms\n`);
}

async function stopTestServices(services: TestService[]): Promise<void> {
  await Promise.allSettled(services.map((service) => service.stop()));
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (message: string) => process.stderr.write(`${message}\n`) };
}
