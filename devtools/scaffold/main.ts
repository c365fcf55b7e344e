// `npm run new -- sync <provider> <model>` or `npm run new -- action <provider> <name>`: see scaffold.ts.
import { join } from 'node:path';
import { scaffold, type ScaffoldKind } from './scaffold';
import { ScaffoldError } from './scaffold-error';

const ROOT = join(__dirname, '..', '..');

export const USAGE = `Usage: npm run new -- sync <provider> <model>
       npm run new -- action <provider> <name>

Writes a sync (or action) file from the kit's template into providers/<provider>/, its recording test under test/unit/
and a starting recording under test/recordings/, and lists it in the provider's catalog entry. Overwrites nothing.`;

function main(argv: readonly string[]): number {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const [kind, provider, name, ...rest] = argv;
  if ((kind !== 'sync' && kind !== 'action') || !provider || !name || rest.length > 0) {
    process.stderr.write(`${kind === 'sync' || kind === 'action' ? `expected: ${kind} <provider> <${kind === 'sync' ? 'model' : 'name'}>` : `unknown kind "${kind ?? ''}": sync or action`}\n\n${USAGE}\n`);
    return 2;
  }
  try {
    const done = scaffold(ROOT, kind as ScaffoldKind, provider, name);
    const width = Math.max(...[...done.written, ...done.changed].map((file) => file.path.length));
    const lines = [
      'Wrote',
      ...done.written.map((file) => `  ${file.path.padEnd(width)}  ${file.what}`),
      'Changed',
      ...done.changed.map((file) => `  ${file.path.padEnd(width)}  ${file.what}`),
      '',
      'Next',
      ...done.next.map((step, index) => `  ${index + 1}. ${step}`),
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
    return 0;
  } catch (error) {
    if (!(error instanceof ScaffoldError)) throw error;
    process.stderr.write(`npm run new: ${error.message}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2));
