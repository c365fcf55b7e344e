// Starts the real services once for the whole jest run (Temporal dev server, Mongo-wire server) and bundles workflows once.
import { bundleWorkflowCode } from '@temporalio/worker';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { resolveMongo } from '../../devstack/mongo-server';
import { resolveTemporal } from '../../devstack/temporal-server';

const root = join(__dirname, '..', '..');

export default async function globalSetup(): Promise<void> {
  const logDir = join(root, '.data', 'test', 'logs');
  const [temporal, mongo] = await Promise.all([
    resolveTemporal({ headless: true, logFile: join(logDir, 'temporal.log') }),
    resolveMongo({ logFile: join(logDir, 'mongo.log') }),
  ]);
  (globalThis as { __tributaryServices?: unknown }).__tributaryServices = [temporal, mongo];
  process.env.TEMPORAL_ADDRESS = temporal.address;
  process.env.MONGODB_URI = mongo.uri;

  const { code } = await bundleWorkflowCode({ workflowsPath: require.resolve(join(root, 'workflows')), logger: quietLogger() });
  const bundlePath = join(root, '.data', 'test', 'workflow-bundle.js');
  mkdirSync(join(root, '.data', 'test'), { recursive: true });
  writeFileSync(bundlePath, code);
  process.env.TRIBUTARY_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.stderr.write(`\n[test] Temporal ${temporal.address}, ${mongo.kind} ${mongo.uri}\n`);
}

function quietLogger() {
  const noop = () => undefined;
  return { log: noop, trace: noop, debug: noop, info: noop, warn: noop, error: (message: string) => process.stderr.write(`${message}\n`) };
}
