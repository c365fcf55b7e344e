// `npm run dryrun` arguments: parsed and checked before anything is opened, each problem named with its flag.
import { parseArgs } from 'node:util';
import type { Checkpoint } from '../../sync';
import type { DryRunRequest } from './dry-run';

export const USAGE = `Usage: npm run dryrun -- <integration> <model> --connection <id> [options]

Runs the connection's next run of <model> against its real provider account and writes nothing: no record,
checkpoint, run, webhook or event. Prints the pages read, the records as the store would receive them, the invalid
ones, what would change against what is stored, and the requests made. Exits 1 if the sync fails or cannot run.

  --connection <id>     the connection to read with (required)
  --sync <file>         run this .sync.ts file's sync of <model> instead of the catalog's (one not listed yet)
  --full                read everything, as a full resync does
  --checkpoint <json>   start from this checkpoint, e.g. '{"after":"2026-01-05T10:00:00.000Z"}'
  --fields a,b          read these fields too, as PATCH /connections {"fields"} would add them
  --limit <records>     stop after the page that brings the records read to this many (pages no larger)
  --save <file>         write a recording of the provider's answers (scrubbed of tokens, secrets and hosts)
  --json                print the whole report as JSON (every record) instead of the summary
  --max-wait <seconds>  longest rate-limit wait to sit through (default 60)

Configuration: the worker's environment (MONGODB_URI, TEMPORAL_ADDRESS, TRIBUTARY_ENCRYPTION_KEYS, …); with none set
and a .data/dev-secrets.json, the stack \`npm run dev\` runs.`;

export interface DryRunArguments {
  request: DryRunRequest;
  json: boolean;
}

/** A bad command line: printed with the usage, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.:-]*$/;

export function parseDryRunArguments(argv: readonly string[]): DryRunArguments | 'help' {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        connection: { type: 'string' },
        sync: { type: 'string' },
        full: { type: 'boolean', default: false },
        checkpoint: { type: 'string' },
        fields: { type: 'string' },
        limit: { type: 'string' },
        save: { type: 'string' },
        json: { type: 'boolean', default: false },
        'max-wait': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (positionals.length !== 2) throw new UsageError(`expected <integration> <model>, got ${positionals.length === 0 ? 'nothing' : positionals.map((p) => `"${p}"`).join(' ')}`);
  const [integration, model] = positionals;
  if (!NAME.test(integration)) throw new UsageError(`<integration> "${integration}" is not an integration key`);
  if (!/^[a-z][a-z0-9_]*$/.test(model)) throw new UsageError(`<model> "${model}" must be lower-case letters, digits and underscores`);
  if (!values.connection) throw new UsageError('--connection <id> is required: the connection whose provider account is read');
  const request: DryRunRequest = { integration, model, connectionId: values.connection, full: values.full };
  if (values.sync !== undefined) {
    if (!/\.(ts|js)$/.test(values.sync)) throw new UsageError(`--sync "${values.sync}" must be a .ts (or .js) file`);
    request.syncFile = values.sync;
  }
  if (values.checkpoint !== undefined) request.checkpoint = parseCheckpoint(values.checkpoint);
  if (values.fields !== undefined) {
    const fields = values.fields.split(',').map((field) => field.trim()).filter(Boolean);
    const bad = fields.filter((field) => field !== '*' && !/^[A-Za-z_][A-Za-z0-9_.]*$/.test(field));
    if (fields.length === 0 || bad.length > 0) throw new UsageError(`--fields must be field names separated by commas${bad.length > 0 ? ` (not ${bad.map((f) => `"${f}"`).join(', ')})` : ''}`);
    request.fields = fields;
  }
  if (values.limit !== undefined) request.limit = positiveInteger('--limit', values.limit);
  if (values['max-wait'] !== undefined) request.maxWaitMs = positiveInteger('--max-wait', values['max-wait']) * 1000;
  if (values.save !== undefined) {
    if (!values.save.endsWith('.json')) throw new UsageError(`--save "${values.save}" must be a .json file`);
    request.save = values.save;
  }
  return { request, json: values.json };
}

function positiveInteger(flag: string, text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 1) throw new UsageError(`${flag} must be a positive whole number, got "${text}"`);
  return value;
}

/** A checkpoint is flat JSON (see sync/checkpoint.ts): an object of strings, numbers, booleans and nulls. */
function parseCheckpoint(text: string): Checkpoint {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new UsageError(`--checkpoint is not JSON: ${(error as Error).message}`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError('--checkpoint must be a JSON object, like {"after": "…"}');
  const nested = Object.entries(value).filter(([, item]) => item !== null && typeof item === 'object');
  if (nested.length > 0) throw new UsageError(`--checkpoint values must be strings, numbers, booleans or null (not ${nested.map(([key]) => key).join(', ')})`);
  return value as Checkpoint;
}
