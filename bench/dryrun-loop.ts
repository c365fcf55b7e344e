// Section 8: the developer's loop on a running stack: edit a sync file's selected fields, run `npm run dryrun`, and
// time until its output shows the new field (the CLI's own start-up, code loading and provider reads included).
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { Row, SectionResult } from './rows';
import type { BenchStack } from './stack';

const ROOT = join(__dirname, '..');
/** Git-ignored: a team's sync file being iterated on, not listed in the catalog. */
const SYNC_DIR = join(ROOT, '.data', 'bench', 'dryrun');
const MODEL = 'people';
/** What each edit adds to the selected fields, in turn: each run's field is new to the file. */
const ADDED_FIELDS = ['Title', 'Department', 'LeadSource', 'MobilePhone', 'MailingCity', 'Birthdate', 'Salutation'];
const BASE_FIELDS = ['Id', 'IsDeleted', 'LastName', 'SystemModstamp'];

/** A sync written the way docs/write-a-sync.md shows (public kit and the Salesforce query reader). */
function syncFile(fields: readonly string[]): string {
  return [
    "// A bench's team sync of Salesforce Contacts as people, edited between dry runs (bench/dryrun-loop.ts).",
    "import { z } from 'zod';",
    "import { defineSync } from '../../../sync';",
    "import { buildQuery, queryAllPages } from '../../../providers/salesforce/soql-sync';",
    '',
    `const FIELDS = ${JSON.stringify(fields)};`,
    '',
    'export const peopleSync = defineSync({',
    `  model: '${MODEL}',`,
    "  description: 'Salesforce Contacts as people',",
    '  schema: z.looseObject({ Id: z.string(), LastName: z.string(), SystemModstamp: z.string() }),',
    '  idOf: (record) => record.Id,',
    "  defaultFrequency: '15m',",
    '  async *fetchPages({ checkpoint, http, pageSize }) {',
    "    yield* queryAllPages(http, buildQuery('Contact', FIELDS, checkpoint), { checkpoint, pageSize });",
    '  },',
    '});',
    '',
  ].join('\n');
}

/**
 * `runs` edits, each adding one field and dry-running the file against a live connection of `integration` (its
 * sandbox org has contacts): from the moment the edit is saved until the CLI has printed a record with the field.
 */
export async function benchDryRunLoop({ stack, integration, runs, log }: { stack: BenchStack; integration: string; runs: number; log: (message: string) => void }): Promise<SectionResult> {
  const connectionId = 'bench-dryrun';
  await stack.connect(connectionId, integration, { contacts: { frequency: '1h' } });
  await firstRunEnded(stack, connectionId);
  mkdirSync(SYNC_DIR, { recursive: true });
  const file = join(SYNC_DIR, `${MODEL}.sync.ts`);
  const args = [integration, MODEL, '--connection', connectionId, '--sync', relative(ROOT, file), '--limit', '5'];
  try {
    writeFileSync(file, syncFile(BASE_FIELDS));
    // Once unmeasured: Node's and tsx's caches warm, as after a developer's first dry run of the day.
    const first = await dryRunOutput(stack.workerEnv, args);
    if (first.code !== 0) throw new Error(`the first dry run failed (${first.code}): ${first.stderr}`);
    const fields = [...BASE_FIELDS];
    const values: number[] = [];
    for (let run = 0; run < runs; run++) {
      const added = ADDED_FIELDS[run % ADDED_FIELDS.length];
      const shows = new RegExp(`"${added}":`);
      if (shows.test(first.stdout)) throw new Error(`the dry run showed ${added} before it was added; the measure would prove nothing`);
      fields.push(added);
      const editedAt = performance.now();
      writeFileSync(file, syncFile(fields));
      const output = await dryRunOutput(stack.workerEnv, args, shows);
      if (output.shownAt === null) throw new Error(`the dry run never showed ${added} (exit ${output.code}): ${output.stderr}\n${output.stdout}`);
      values.push(output.shownAt - editedAt);
      fields.pop();
    }
    log(`edit a sync file → dry run shows the new field: ${values.map((ms) => `${(ms / 1000).toFixed(2)} s`).join(', ')}`);
    const row: Row = {
      section: 8,
      measure: 'edit a sync file → the dry run shows the change, end to end (ms)',
      size: '5 contacts',
      values,
      decimals: 0,
      limitedBy: 'start-up: npm, Node and tsx loading the code (one core)',
    };
    return {
      rows: [row],
      notes: [
        'Dry-run loop (8): a team sync file (a defineSync over Contact, not in the catalog) gets one more selected field, then ' +
          `\`npm run dryrun -- ${integration} ${MODEL} --connection ${connectionId} --sync … --limit 5\` runs (npm included) against ` +
          "the bench's stack and sandbox org; timed from the file's save until its output shows a record with the field. " +
          'One unmeasured dry run first, as a developer has run one before.',
      ],
    };
  } finally {
    rmSync(SYNC_DIR, { recursive: true, force: true });
  }
}

/** The connection's first run, which would otherwise share the machine with the measured dry runs. */
async function firstRunEnded(stack: BenchStack, connectionId: string): Promise<void> {
  const deadline = Date.now() + 120_000;
  for (;;) {
    const status = await stack.api<{ syncs?: Record<string, { lastRun?: { status: string } | null }> }>('GET', `/connections/${connectionId}`);
    const run = status.body.syncs?.contacts?.lastRun;
    if (run && run.status !== 'running') return;
    if (Date.now() > deadline) throw new Error(`${connectionId}'s first run did not end within 2 minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** Runs `npm run dryrun` as a developer would; `shownAt` is when stdout first matched `shows`. */
function dryRunOutput(env: Record<string, string>, args: string[], shows?: RegExp): Promise<{ code: number | null; stdout: string; stderr: string; shownAt: number | null }> {
  return new Promise((resolve, reject) => {
    // Through npm, as typed: its own start-up is part of what a developer waits for.
    const child = spawn('npm', ['run', '--silent', 'dryrun', '--', ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let shownAt: number | null = null;
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (shownAt === null && shows?.test(stdout)) shownAt = performance.now();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, stdout, stderr, shownAt }));
  });
}
