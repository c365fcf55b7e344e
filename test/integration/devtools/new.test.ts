// `npm run new` on a fixture provider in a scratch copy of the repo's layout: it writes a sync and an action with their
// recording tests from the kit's templates, lists them in the provider's entry, and what it wrote type-checks and
// passes its own tests (which fail when the sync is broken); it overwrites nothing and refuses bad names.
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { scaffold } from '../../../devtools/scaffold/scaffold';
import { ScaffoldError } from '../../../devtools/scaffold/scaffold-error';

const ROOT = join(__dirname, '..', '..', '..');

function run(args: string[], cwd: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, args, { cwd, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('npm run new', () => {
  let root: string;
  const entryFile = () => join(root, 'providers', 'acme-crm', 'acme-crm.provider.ts');
  const typecheck = () => run([join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '--noEmit', '-p', join(root, 'tsconfig.json')], root);
  const jest = () => run([join(ROOT, 'node_modules', 'jest', 'bin', 'jest.js'), '--config', join(root, 'jest.config.json'), '--ci'], root);

  beforeAll(() => {
    // The layout a generated file lives in: the kit and node_modules of this repo, a provider of the test's own.
    root = mkdtempSync(join(tmpdir(), 'scaffold-'));
    for (const name of readdirSync(ROOT)) {
      if (!['providers', 'test', '.git', '.data', 'tsconfig.json', 'jest.config.js'].includes(name)) symlinkSync(join(ROOT, name), join(root, name));
    }
    mkdirSync(join(root, 'providers', 'acme-crm'), { recursive: true });
    for (const name of readdirSync(join(ROOT, 'providers'))) symlinkSync(join(ROOT, 'providers', name), join(root, 'providers', name));
    writeFileSync(
      entryFile(),
      [
        '// A fixture provider: HubSpot-like rules and one of its syncs; no action yet.',
        "import type { ProviderDefinition } from '../provider-definition';",
        "import { hubspot } from '../hubspot/hubspot.provider';",
        '',
        'export const acmeCrm: ProviderDefinition = {',
        '  ...hubspot,',
        "  key: 'acme-crm',",
        "  displayName: 'Acme CRM',",
        '  actions: [],',
        '  syncs: [hubspot.syncs[0]],',
        '  unifiedModels: [],',
        '};',
        '',
      ].join('\n'),
    );
    const tsconfig = JSON.parse(readFileSync(join(ROOT, 'tsconfig.json'), 'utf8'));
    writeFileSync(join(root, 'tsconfig.json'), JSON.stringify({ ...tsconfig, include: ['providers/acme-crm/**/*.ts', 'test/**/*.ts'] }));
    writeFileSync(
      join(root, 'jest.config.json'),
      JSON.stringify({ rootDir: root, testEnvironment: 'node', transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { target: 'es2022' } }] }, testMatch: ['<rootDir>/test/**/*.test.ts'] }),
    );
  });
  afterAll(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  it('writes a sync and an action with their recording tests, lists both, and all of it type-checks and passes', async () => {
    const sync = scaffold(root, 'sync', 'acme-crm', 'support_tickets');
    const action = scaffold(root, 'action', 'acme-crm', 'create-ticket');

    expect(sync.written.map((file) => file.path)).toEqual([
      'providers/acme-crm/support-tickets.sync.ts',
      'test/unit/sync/acme-crm/support-tickets.sync.test.ts',
      'test/recordings/acme-crm-support-tickets.recording.json',
    ]);
    expect(action.written.map((file) => file.path)).toEqual([
      'providers/acme-crm/create-ticket.action.ts',
      'test/unit/actions/acme-crm/create-ticket.action.test.ts',
      'test/recordings/acme-crm-create-ticket.action.recording.json',
    ]);
    const entry = readFileSync(entryFile(), 'utf8');
    expect(entry).toContain("import { acmeCrmSupportTicketsSync } from './support-tickets.sync';");
    expect(entry).toContain("import { acmeCrmCreateTicket } from './create-ticket.action';");
    expect(entry).toContain('  actions: [acmeCrmCreateTicket],\n  syncs: [hubspot.syncs[0], acmeCrmSupportTicketsSync],');
    expect(sync.next.join('\n')).toContain('npm run dryrun -- <integration> support_tickets --connection <id> --limit 20 --save test/recordings/acme-crm-support-tickets.recording.json');
    expect(sync.next.join('\n')).toContain('npx jest test/unit/sync/acme-crm/support-tickets.sync.test.ts');

    const types = await typecheck();
    expect(types).toEqual({ code: 0, output: '' });
    const tests = await jest();
    expect(tests.output).toMatch(/Tests: +4 passed, 4 total/);
    expect(tests.code).toBe(0);
  });

  it('writes a test that fails when the sync no longer reads its recording', async () => {
    const file = join(root, 'providers', 'acme-crm', 'support-tickets.sync.ts');
    const original = readFileSync(file, 'utf8');
    writeFileSync(file, original.replace('id: z.string(),', 'id: z.number(),'));
    try {
      const tests = await jest();
      expect(tests.code).toBe(1);
      expect(tests.output).toMatch(/● the Acme CRM support_tickets sync › reads every recorded page into records the store accepts/);
    } finally {
      writeFileSync(file, original);
    }
  });

  it('overwrites nothing, and names what it refused', () => {
    const before = readFileSync(entryFile(), 'utf8');
    expect(() => scaffold(root, 'sync', 'acme-crm', 'contacts')).toThrow(new ScaffoldError('Acme CRM already has a model "contacts"'));
    writeFileSync(join(root, 'providers', 'acme-crm', 'orders.sync.ts'), '// hand-written, not listed yet\n');
    expect(() => scaffold(root, 'sync', 'acme-crm', 'orders')).toThrow(new ScaffoldError('refusing to overwrite providers/acme-crm/orders.sync.ts: nothing was written'));
    expect(existsSync(join(root, 'test', 'unit', 'sync', 'acme-crm', 'orders.sync.test.ts'))).toBe(false);
    expect(readFileSync(entryFile(), 'utf8')).toBe(before);
  });

  it('refuses names the catalog would refuse, and providers that do not exist', () => {
    expect(() => scaffold(root, 'sync', 'acme-crm', 'Orders')).toThrow(/model "Orders" must be lower-case letters, digits and underscores/);
    expect(() => scaffold(root, 'action', 'acme-crm', 'create_ticket')).toThrow(/action "create_ticket" must be lower-case words joined by dashes/);
    expect(() => scaffold(root, 'sync', 'nowhere', 'orders')).toThrow(new ScaffoldError('no provider "nowhere": providers/nowhere/nowhere.provider.ts does not exist (a provider is a folder providers/<key>/ with its entry <key>.provider.ts)'));
    expect(() => scaffold(root, 'sync', '../acme-crm', 'orders')).toThrow(/is not a provider key/);
  });
});
