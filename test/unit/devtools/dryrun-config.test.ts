// Where a dry run finds its database, Temporal and keys: the worker's environment when it names a database, else the
// stack `npm run dev` runs, from its secrets file, with nothing to set up.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dryRunConfig } from '../../../devtools/dryrun/config';
import { DEV_PORTS } from '../../../devstack/dev-stack-address';

describe('dry run configuration', () => {
  let dir: string;
  let secretsFile: string;
  const keys = `k1:${Buffer.alloc(32, 7).toString('base64')}`;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'dryrun-config-'));
    secretsFile = join(dir, 'dev-secrets.json');
    writeFileSync(secretsFile, JSON.stringify({ TRIBUTARY_SECRET_KEY: 'k'.repeat(48), TRIBUTARY_ENCRYPTION_KEYS: keys, TRIBUTARY_WEBHOOK_SECRET: 'w'.repeat(32) }), { mode: 0o600 });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('uses the npm run dev stack when nothing names a database', () => {
    const config = dryRunConfig({}, secretsFile);

    expect(config.source).toBe(`the npm run dev stack (${secretsFile})`);
    expect(config.worker).toMatchObject({
      MONGODB_URI: `mongodb://127.0.0.1:${DEV_PORTS.mongo}/`,
      MONGODB_DB: 'tributary',
      TEMPORAL_ADDRESS: `127.0.0.1:${DEV_PORTS.temporal}`,
      TRIBUTARY_TASK_QUEUE: 'tributary',
      TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: true,
    });
    expect(config.worker.TRIBUTARY_ENCRYPTION_KEYS).toEqual([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
    // A variable set in the shell still wins over the dev stack's value.
    expect(dryRunConfig({ TRIBUTARY_TASK_QUEUE: 'mine' }, secretsFile).worker.TRIBUTARY_TASK_QUEUE).toBe('mine');
  });

  it('reads only the environment once it names a database, as the worker would', () => {
    expect(() => dryRunConfig({ MONGODB_URI: 'mongodb://db.internal/' }, secretsFile)).toThrow(/TRIBUTARY_ENCRYPTION_KEYS/);
    const config = dryRunConfig({ MONGODB_URI: 'mongodb://db.internal/', TRIBUTARY_ENCRYPTION_KEYS: keys, TRIBUTARY_WORKFLOW_ID_PREFIX: 'eu/' }, secretsFile);
    expect(config).toMatchObject({ source: 'the environment', workflowIdPrefix: 'eu/', worker: { MONGODB_URI: 'mongodb://db.internal/', TRIBUTARY_ALLOW_LOOPBACK_PROVIDER_URLS: false } });
    expect(() => dryRunConfig({ MONGODB_URI: 'mongodb://db.internal/', TRIBUTARY_ENCRYPTION_KEYS: keys, TRIBUTARY_WORKFLOW_ID_PREFIX: 'a b' })).toThrow(/TRIBUTARY_WORKFLOW_ID_PREFIX/);
  });
});
