// docker-compose.yml's moving parts, run for real where this machine can: its one-shot search-attribute job against a
// local Temporal, and the entry points its API and worker run. (Structure and env: compose-file.test.ts.)
import { Connection } from '@temporalio/client';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { parse as parseYaml } from 'yaml';
import { SEARCH_ATTRIBUTE_NAMES } from '../../../contracts/search-attributes';
import { ensureTemporalBinary } from '../../../devstack/binaries';
import { freePort, spawnLogged, stopProcess, waitUntil } from '../../../devstack/processes';

const run = promisify(execFile);
const root = join(__dirname, '..', '..', '..');

interface ComposeService {
  image?: string;
  build?: string | { context: string };
  command?: string | string[];
  environment?: Record<string, string | number>;
  depends_on?: string[] | Record<string, { condition: string }>;
}

interface ComposeFile {
  services: Record<string, ComposeService>;
}

async function loadCompose(): Promise<ComposeFile> {
  return parseYaml(await readFile(join(root, 'docker-compose.yml'), 'utf8'), { merge: true }) as ComposeFile;
}

describe('docker-compose.yml, run', () => {
  let compose: ComposeFile;
  beforeAll(async () => {
    compose = await loadCompose();
  });

  it('runs the API and worker from the image this repo builds, on the entry points the Dockerfile compiles', () => {
    expect(compose.services.api).toMatchObject({ build: '.', command: ['node', 'dist/api/main.js'] });
    expect(compose.services.worker).toMatchObject({ build: '.', command: ['node', 'dist/worker/main.js'] });
    const dockerfile = readFileSync(join(root, 'Dockerfile'), 'utf8');
    for (const entry of ['api/main.ts', 'worker/main.ts', 'workflows/index.ts']) expect(dockerfile).toContain(`"${entry}"`);
  });

  it('registers exactly our search attributes, idempotently, with its one-shot job', async () => {
    const job = compose.services['temporal-search-attributes'];
    const script = (Array.isArray(job.command) ? job.command.join('\n') : (job.command ?? '')).replaceAll('$$', '$');
    for (const name of SEARCH_ATTRIBUTE_NAMES) expect(script).toContain(name);

    // A Temporal started without any of them, as a fresh compose Temporal would be.
    const binary = await ensureTemporalBinary();
    const port = await freePort();
    const address = `127.0.0.1:${port}`;
    const server = spawnLogged(binary, ['server', 'start-dev', '--headless', '--ip', '127.0.0.1', '--port', String(port), '--log-level', 'warn'], {
      logFile: join(root, '.data', 'test', 'logs', 'devstack-compose-temporal.log'),
    });
    try {
      await waitUntil(async () => (await customSearchAttributes(address)) !== null, { timeoutMs: 30_000, what: 'Temporal', child: server });
      const env = { ...process.env, ...(job.environment as Record<string, string>), TEMPORAL_ADDRESS: address, PATH: `${dirname(binary)}:${process.env.PATH}` };
      const first = await run('/bin/sh', ['-c', script], { env });
      expect(first.stdout).toContain('created');
      expect(await customSearchAttributes(address)).toEqual(expect.arrayContaining(SEARCH_ATTRIBUTE_NAMES));
      const second = await run('/bin/sh', ['-c', script], { env });
      expect(second.stdout).not.toContain('created');
    } finally {
      await stopProcess(server);
    }
  });
});

async function customSearchAttributes(address: string): Promise<string[]> {
  const connection = await Connection.connect({ address, connectTimeout: 2000 });
  try {
    return Object.keys((await connection.operatorService.listSearchAttributes({ namespace: 'default' })).customAttributes);
  } finally {
    await connection.close();
  }
}
