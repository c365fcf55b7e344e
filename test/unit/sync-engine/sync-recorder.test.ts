// The recorder against a provider that leaks secrets where real ones do (a token in a next-page URL, a key in a
// header): nothing secret and no host reaches the file, the scrubbed recording still replays, and a secret it cannot
// scrub (inside data) refuses the recording, naming where, before anything is written. A live sandbox run replays
// offline to exactly what it read.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { providerCatalog } from '../../../providers/catalog';
import { salesforce } from '../../../providers/salesforce/salesforce.provider';
import { SCENARIOS } from '../../../scripts/record-sync-fixtures';
import { defineSync, paginateByNextUrl, runSyncOffline } from '../../../sync';
import { createProviderHttpClient } from '../../../sync-engine/provider-http-client';
import { RecordingRefusedError, SyncRecorder } from '../../../sync-engine/sync-recorder';
import { readSync, type ReadPage } from '../../../sync/read-sync';

const SECRETS = {
  // Salesforce-shaped: `!`, `/`, `+` and `=` take different forms percent-encoded and form-encoded.
  'access token': '00DAB0000000001!AQ8Ag.tok/en+with=chars',
  'refresh token': '5Aep861-refresh-token-value',
  'client secret': 'client-secret-value-42',
  'webhook secret': 'configured-webhook-secret',
};

interface ContactPage {
  contacts: { id: string; name: string }[];
  deleted?: string[];
  next: string | null;
}

const contactsSync = defineSync({
  model: 'contacts',
  description: 'contacts of the leaky test API',
  schema: z.looseObject({ id: z.string(), name: z.string() }),
  idOf: (contact) => contact.id,
  defaultFrequency: '5m',
  async *fetchPages({ http, checkpoint }) {
    const pages = paginateByNextUrl<ContactPage>(http, { path: String(checkpoint?.path ?? '/contacts'), nextUrl: ({ body }) => body.next });
    for await (const { body, next } of pages) yield { records: body.contacts, deletedIds: body.deleted ?? [], checkpoint: next ? { next } : null };
  },
});

/** Every form a secret could take in the file's text. */
function formsOf(secret: string): string[] {
  return [secret, encodeURIComponent(secret), new URLSearchParams({ v: secret }).toString().slice(2), JSON.stringify(secret).slice(1, -1)];
}

describe('the sync recorder', () => {
  let server: Server;
  let baseUrl: string;
  let dir: string;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', 'http://api.test');
      const json = (body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(200, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== `Bearer ${SECRETS['access token']}`) {
        res.writeHead(401).end();
        return;
      }
      if (url.pathname === '/contacts' && url.searchParams.get('page') === '2') {
        return json({ contacts: [{ id: 'c3', name: 'Alan' }], deleted: ['c0'], next: null });
      }
      if (url.pathname === '/contacts') {
        const next = `${baseUrl}/contacts?page=2&access_token=${encodeURIComponent(SECRETS['access token'])}&sig=${SECRETS['client secret']}`;
        return json(
          { contacts: [{ id: 'c1', name: 'Ada' }, { id: 'c2', name: 'Grace' }], next },
          {
            link: `<${baseUrl}/contacts?page=2&refresh=${encodeURIComponent(SECRETS['refresh token'])}>; rel="next"`,
            'x-ratelimit-remaining': '99',
            'x-quota-key': `tenant ${SECRETS['webhook secret']}`,
            'set-cookie': `sid=${SECRETS['access token']}`,
          },
        );
      }
      // Data that holds a secret: a debug echo, a sentence with a token percent-encoded in it.
      if (url.pathname === '/echo') return json({ contacts: [], debug: { echo: SECRETS['access token'] }, next: null });
      if (url.pathname === '/note') return json({ contacts: [], note: `retry with token=${encodeURIComponent(SECRETS['refresh token'])}`, next: null });
      res.writeHead(404).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    dir = await mkdtemp(join(tmpdir(), 'tributary-recorder-'));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await rm(dir, { recursive: true, force: true });
  });

  /** Runs the sync live with a recorder on, as a dry run with `--save` does. */
  async function recordLive(path: string) {
    const recorder = new SyncRecorder({ apiBaseUrl: baseUrl, secrets: SECRETS, run: { mode: 'incremental', checkpoint: { path }, pageSize: 2, lookbackMs: 0 } });
    const http = createProviderHttpClient({
      baseUrl,
      accessToken: SECRETS['access token'],
      urlRules: providerCatalog.withUrlPolicy({ allowLoopback: true }).urlRules('hubspot'),
      maxResponseBytes: 1_000_000,
      errorRules: salesforce.api.errorRules,
      timeoutMs: 5_000,
      onExchange: recorder.onExchange,
    });
    const pages: ReadPage[] = [];
    for await (const page of (await readSync(contactsSync, http, { mode: 'incremental', checkpoint: { path }, pageSize: 2, lookbackMs: 0 })).pages) pages.push(page);
    return { recorder, pages };
  }

  it('writes no secret in any form, nor the provider’s host, from next-page URLs, Link and other headers', async () => {
    const { recorder, pages } = await recordLive('/contacts');
    const file = join(dir, 'contacts.recording.json');
    await recorder.save(file);
    const text = await readFile(file, 'utf8');

    for (const [label, secret] of Object.entries(SECRETS)) {
      for (const form of formsOf(secret)) expect({ label, found: text.toLowerCase().includes(form.toLowerCase()) }).toEqual({ label, found: false });
    }
    expect(text).not.toContain('127.0.0.1');
    const recording = JSON.parse(text);
    expect(recording.exchanges.map((exchange: { request: { path: string } }) => exchange.request.path)).toEqual([
      '/contacts',
      '/contacts?page=2&access_token=SCRUBBED&sig=SCRUBBED',
    ]);
    expect(recording.exchanges[0].response.headers).toEqual({
      link: '<https://provider.invalid/contacts?page=2&refresh=SCRUBBED>; rel="next"',
      'x-ratelimit-remaining': '99',
      'x-quota-key': 'tenant SCRUBBED',
    });
    expect(recording.exchanges[0].response.body.next).toBe('https://provider.invalid/contacts?page=2&access_token=SCRUBBED&sig=SCRUBBED');

    // Scrubbed, it still replays: the sync follows the scrubbed next-page URL to the scrubbed recorded request.
    const replay = await runSyncOffline(contactsSync, file);
    expect(replay.pages).toEqual(
      pages.map((page) => ({ ...page, checkpoint: page.checkpoint && { next: String(page.checkpoint.next).replace(/^http:\/\/127\.0\.0\.1:\d+/, 'https://provider.invalid').replace(/access_token=[^&]+/, 'access_token=SCRUBBED').replace(/sig=[^&]+/, 'sig=SCRUBBED') } })),
    );
    expect(replay.records.map((record) => record.externalId)).toEqual(['c1', 'c2', 'c3']);
    expect(replay.deletedIds).toEqual(['c0']);
  });

  it.each([
    { path: '/echo', label: 'access token', where: 'exchanges[0].response.body.debug.echo' },
    { path: '/note', label: 'refresh token', where: 'exchanges[0].response.body.note' },
  ])('refuses a recording with the $label inside a response body ($path), naming where, and writes nothing', async ({ path, label, where }) => {
    const { recorder } = await recordLive(path);
    const file = join(dir, `refused${path.replace('/', '-')}.json`);
    const saving = recorder.save(file);
    await expect(saving).rejects.toThrow(RecordingRefusedError);
    const message = await saving.catch((error: Error) => error.message);
    expect(message).toContain(`the ${label} at ${where}`);
    for (const secret of Object.values(SECRETS)) for (const form of formsOf(secret)) expect(message).not.toContain(form);
    expect(existsSync(file)).toBe(false);
    expect(() => recorder.recording()).toThrow(RecordingRefusedError);
  });

  it('refuses secrets too short to search for, before recording anything', () => {
    expect(() => new SyncRecorder({ apiBaseUrl: baseUrl, secrets: { 'api key': 'abc' }, run: { mode: 'full', checkpoint: null, pageSize: 10, lookbackMs: 0 } })).toThrow(
      /api key are shorter than 8 characters/,
    );
  });
});

describe('a recording of a live sandbox run', () => {
  it.each(SCENARIOS.filter((scenario) => scenario.provider.key === 'salesforce'))('replays offline to exactly what the live run read ($file)', async (scenario) => {
    const { recording, live } = await scenario.record();
    const replay = await runSyncOffline(scenario.sync, recording, { errorRules: scenario.provider.api.errorRules });
    expect(replay.pages).toEqual(live);
    expect(JSON.stringify(recording)).not.toMatch(/127\.0\.0\.1/);
  });
});
