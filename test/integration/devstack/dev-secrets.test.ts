// The dev stack's secrets: generated once, owner-only, reused on later runs, and valid for the API and worker.
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseApiConfig } from '../../../api/config';
import { loadOrCreateDevSecrets } from '../../../devstack/dev-secrets';
import { parseWorkerConfig } from '../../../worker/config';

describe('dev secrets', () => {
  let dir: string;
  let file: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-dev-secrets-'));
    file = join(dir, '.data', 'dev-secrets.json');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('when run for the first time, creates random secrets in a file only the owner can read', () => {
    const { secrets, created } = loadOrCreateDevSecrets(file);

    expect(created).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(secrets.TRIBUTARY_SECRET_KEY).toMatch(/^[0-9a-f]{48}$/);
    expect(secrets.TRIBUTARY_WEBHOOK_SECRET).toMatch(/^[0-9a-f]{32}$/);
    expect(secrets.TRIBUTARY_ENCRYPTION_KEYS).toMatch(/^k1:[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(secrets.TRIBUTARY_ENCRYPTION_KEYS.slice(3), 'base64')).toHaveLength(32);
    expect(JSON.parse(readFileSync(file, 'utf8'))).toEqual(secrets);
  });

  it('when run again, reuses the stored secrets', () => {
    const first = loadOrCreateDevSecrets(file);
    const second = loadOrCreateDevSecrets(file);

    expect(second.created).toBe(false);
    expect(second.secrets).toEqual(first.secrets);
  });

  it('when two checkouts start fresh, they get different secrets (nothing is hard-coded)', () => {
    const other = join(dir, 'other', 'dev-secrets.json');
    const a = loadOrCreateDevSecrets(file).secrets;
    const b = loadOrCreateDevSecrets(other).secrets;

    for (const name of Object.keys(a) as (keyof typeof a)[]) expect(a[name]).not.toBe(b[name]);
  });

  it('produces secrets the API and worker configs accept', () => {
    const { secrets } = loadOrCreateDevSecrets(file);
    const env = { ...secrets, MONGODB_URI: 'mongodb://127.0.0.1:27027/' };

    const api = parseApiConfig(env);
    const worker = parseWorkerConfig({ ...env, TRIBUTARY_WEBHOOK_URL: 'http://127.0.0.1:4020/webhooks' });

    expect(api.TRIBUTARY_SECRET_KEY).toBe(secrets.TRIBUTARY_SECRET_KEY);
    expect(api.TRIBUTARY_ENCRYPTION_KEYS).toEqual([{ id: 'k1', key: expect.any(Buffer) }]);
    expect(worker.TRIBUTARY_WEBHOOK_SECRET).toBe(secrets.TRIBUTARY_WEBHOOK_SECRET);
  });

  it('when the file was made readable by others, makes it owner-only again', () => {
    loadOrCreateDevSecrets(file);
    chmodSync(file, 0o644);

    loadOrCreateDevSecrets(file);

    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  it('when the file is damaged, refuses to start and names the file and the problem', () => {
    loadOrCreateDevSecrets(file);
    const stored = JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>;

    writeFileSync(file, JSON.stringify({ ...stored, TRIBUTARY_SECRET_KEY: 'short' }));
    expect(() => loadOrCreateDevSecrets(file)).toThrow(new RegExp(`${file}[\\s\\S]*TRIBUTARY_SECRET_KEY: must be at least 32 characters`));

    writeFileSync(file, '{"TRIBUTARY_SECRET_KEY": ');
    expect(() => loadOrCreateDevSecrets(file)).toThrow(/is not valid JSON/);
  });
});
