// `npm run dryrun -- <integration> <model> --connection <id> …`: the dry run's command line (see arguments.ts).
import { Client, Connection } from '@temporalio/client';
import { ConnectionWorkflows } from '../../api/connection-workflows';
import { FreshCredentials } from '../../api/fresh-credentials';
import { DEFAULT_PROXY_SETTINGS } from '../../api/use-cases/proxy';
import { urlPolicyOf, workflowSettingsOf } from '../../config/shared-settings';
import { providerCatalog } from '../../providers/catalog';
import { CredentialCipher } from '../../security/credential-cipher';
import { openDatabase } from '../../store/database';
import { createStore } from '../../store/store';
import { withOperatorLimits } from '../../worker/provider-limits';
import { USAGE, UsageError, parseDryRunArguments } from './arguments';
import { dryRunConfig } from './config';
import { dryRun } from './dry-run';
import { DryRunRefusedError } from './dry-run-errors';
import { renderReport } from './render-report';

async function main(argv: readonly string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseDryRunArguments(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (parsed === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const { worker: config, workflowIdPrefix, source } = dryRunConfig();
  const database = await openDatabase(config.MONGODB_URI, config.MONGODB_DB).catch((error: unknown) => {
    throw new Error(`cannot reach the database of ${source} (${(error as Error).message}); is it running?`);
  });
  let temporal: Connection | null = null;
  try {
    const store = createStore(database.db, new CredentialCipher(config.TRIBUTARY_ENCRYPTION_KEYS));
    const catalog = withOperatorLimits(providerCatalog.withUrlPolicy(urlPolicyOf(config)), config);
    let fresh: FreshCredentials | null = null;
    const report = await dryRun(
      {
        store,
        catalog,
        // Temporal is reached only when the provider refuses the stored credentials: most dry runs never need it.
        async freshCredentials() {
          if (!fresh) {
            temporal = await Connection.connect({ address: config.TEMPORAL_ADDRESS });
            const client = new Client({ connection: temporal, namespace: config.TEMPORAL_NAMESPACE });
            const workflows = new ConnectionWorkflows(client, config.TRIBUTARY_TASK_QUEUE, workflowSettingsOf(config), workflowIdPrefix);
            fresh = new FreshCredentials(store, workflows, DEFAULT_PROXY_SETTINGS);
          }
          return fresh;
        },
        // For a person watching a long read; the report says it all again at the end.
        progress: process.stderr.isTTY ? (line) => process.stderr.write(`[dryrun] ${line}\n`) : undefined,
      },
      parsed.request,
    );
    process.stdout.write(parsed.json ? `${JSON.stringify(report, null, 2)}\n` : renderReport(report));
    return report.stopped === 'error' ? 1 : 0;
  } catch (error) {
    if (!(error instanceof DryRunRefusedError)) throw error;
    process.stderr.write(`dry run refused: ${error.message}\n`);
    return 1;
  } finally {
    await (temporal as Connection | null)?.close();
    await database.close();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`dry run failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
