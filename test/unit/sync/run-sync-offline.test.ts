// The offline runner's contract beyond the happy path: recorded error answers mean what they meant live, requests are
// matched by method, path, query and body and each answer is served once, a mismatch names the nearest recorded
// requests, and a file that is not a recording (or another version of one) is refused with where it is wrong.
import { z } from 'zod';
import { hubspot } from '../../../providers/hubspot/hubspot.provider';
import { ProviderError, RecordingFormatError, RecordingMismatchError, defineSync, runSyncOffline, type Recording, type RecordedExchange, type SyncDefinition } from '../../../sync';

const item = z.looseObject({ id: z.string() });

/** Asks for the given requests in order, one page each. */
function syncAsking(requests: { method?: 'GET' | 'POST'; path: string; body?: unknown }[], extra: Partial<SyncDefinition> = {}): SyncDefinition {
  return defineSync({
    model: 'items',
    description: 'items',
    schema: item,
    idOf: (record) => String(record.id),
    defaultFrequency: '5m',
    ...extra,
    async *fetchPages({ http }) {
      for (const { method = 'GET', path, body } of requests) {
        const answer = await http.request<{ items: unknown[] }>(method, path, { body });
        yield { records: answer.body.items, deletedIds: [], checkpoint: { after: path } };
      }
    },
  });
}

function recordingOf(exchanges: RecordedExchange[]): Recording {
  return {
    format: 'tributary.sync-recording',
    version: 1,
    apiBase: 'https://provider.invalid/',
    run: { mode: 'full', checkpoint: null, pageSize: 10, lookbackMs: 0 },
    exchanges,
  };
}

const ok = (path: string, ids: string[], body?: unknown): RecordedExchange => ({
  request: { method: body === undefined ? 'GET' : 'POST', path, ...(body === undefined ? {} : { body }) },
  response: { status: 200, headers: {}, body: { items: ids.map((id) => ({ id })) } },
});

describe('runSyncOffline', () => {
  it('throws the ProviderError a recorded error answer meant live, read by the provider’s rules', async () => {
    const recording = recordingOf([
      ok('/items', ['a']),
      {
        request: { method: 'GET', path: '/items?page=2' },
        response: { status: 429, headers: { 'retry-after': '7' }, body: { status: 'error', errorType: 'RATE_LIMIT', policyName: 'TEN_SECONDLY_ROLLING' } },
      },
    ]);
    const sync = syncAsking([{ path: '/items' }, { path: '/items?page=2' }]);

    const failure = await runSyncOffline(sync, recording, { errorRules: hubspot.api.errorRules }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ProviderError);
    expect(failure).toMatchObject({ kind: 'rate_limited', details: { status: 429, waitMs: 7_000 } });

    const expired = recordingOf([{ request: { method: 'GET', path: '/items' }, response: { status: 401, headers: {}, text: 'Unauthorized' } }]);
    await expect(runSyncOffline(syncAsking([{ path: '/items' }]), expired)).rejects.toMatchObject({ kind: 'auth_expired' });
  });

  it('matches a search by its body too, and serves each recorded answer once', async () => {
    const recording = recordingOf([ok('/search', ['a'], { filter: 'GTE 1' }), ok('/search', ['b'], { filter: 'GT 5' })]);

    // Bodies match whatever the order of their keys; each search gets its own answer, not the first one recorded.
    const run = await runSyncOffline(syncAsking([{ method: 'POST', path: '/search', body: { filter: 'GT 5' } }, { method: 'POST', path: '/search', body: { filter: 'GTE 1' } }]), recording);
    expect(run.records.map((record) => record.externalId)).toEqual(['b', 'a']);
    expect(run.requests.map((request) => request.exchange)).toEqual([1, 0]);

    const changedFilter = runSyncOffline(syncAsking([{ method: 'POST', path: '/search', body: { filter: 'GT 9' } }]), recording);
    await expect(changedFilter).rejects.toThrow(RecordingMismatchError);
    await expect(changedFilter).rejects.toThrow(/POST \/search with body \{"filter":"GT 9"\}.*#0 POST \/search \(another body: \{"filter":"GTE 1"\}\)/s);

    const askedTwice = runSyncOffline(syncAsking([{ path: '/items' }, { path: '/items' }]), recordingOf([ok('/items', ['a'])]));
    await expect(askedTwice).rejects.toThrow(/request 2 of this run, GET \/items, has no recorded answer left .*#0 GET \/items \(already served in this run\)/s);
  });

  it('refuses a next-page URL that leaves the recorded origin, as the live client does', async () => {
    const recording = recordingOf([ok('/items', ['a'])]);
    const leaving = runSyncOffline(syncAsking([{ path: 'https://elsewhere.invalid/items' }]), recording);
    await expect(leaving).rejects.toThrow(/leaves the API's origin https:\/\/provider\.invalid/);
  });

  it('discovers the fields from the recording and fails a run missing a required one, as a run does', async () => {
    const fields = {
      wanted: ['name'],
      required: ['email'],
      system: ['id'],
      list: async (http: { get<T>(path: string): Promise<T> }) => (await http.get<{ name: string }[]>('/fields')).map(({ name }) => ({ name, kind: 'string' as const, custom: false })),
      valueOf: (record: Record<string, unknown>, field: string) => record[field],
    };
    const listing = (names: string[]): RecordedExchange => ({ request: { method: 'GET', path: '/fields' }, response: { status: 200, headers: {}, body: names.map((name) => ({ name })) } });
    const sync = syncAsking([{ path: '/items' }], { fields });

    const run = await runSyncOffline(sync, recordingOf([listing(['id', 'email', 'name']), ok('/items', ['a'])]));
    expect(run.fields).toEqual(['id', 'email', 'name']);
    await expect(runSyncOffline(sync, recordingOf([listing(['id', 'name'])]))).rejects.toThrow(/required field\(s\) email of items/);
  });

  it('refuses what is not a recording of this version, saying where', async () => {
    const recording = recordingOf([ok('/items', ['a'])]);
    await expect(runSyncOffline(syncAsking([]), { ...recording, version: 2 })).rejects.toThrow(/recording format version 2; this code reads version 1/);
    const broken = { ...recording, exchanges: [{ request: { method: 'GET', path: 'https://x.invalid/items' }, response: { status: 200 } }] };
    const refused = runSyncOffline(syncAsking([]), broken);
    await expect(refused).rejects.toThrow(RecordingFormatError);
    await expect(refused).rejects.toThrow(/exchanges\.0\.request\.path: must start with "\/"/);
  });

  it('resumes only from a checkpoint the run handed out', async () => {
    const run = await runSyncOffline(syncAsking([{ path: '/items' }]), recordingOf([ok('/items', ['a'])]));
    await expect(run.resumeFrom(1)).rejects.toThrow(/resumeFrom\(1\): the run handed out checkpoints 0 to 0/);
  });

  it('stops where a recorded run stopped early (a dry run’s --limit), and so do its resumes', async () => {
    // Three pages at the provider; the recorded run read two. A resume starts at the page after its checkpoint's.
    const sync = defineSync({
      model: 'items',
      description: 'items',
      schema: item,
      idOf: (record) => String(record.id),
      defaultFrequency: '5m',
      async *fetchPages({ http, checkpoint }) {
        for (let page = Number(checkpoint?.page ?? 0) + 1; page <= 3; page++) {
          const answer = await http.get<{ items: unknown[] }>(`/items?page=${page}`);
          yield { records: answer.items, deletedIds: [], checkpoint: { page } };
        }
      },
    });
    const recording = recordingOf([ok('/items?page=1', ['a']), ok('/items?page=2', ['b'])]);
    const stopped = { ...recording, run: { ...recording.run!, stopAfterPages: 2 } };

    await expect(runSyncOffline(sync, recording)).rejects.toThrow(RecordingMismatchError);
    const run = await runSyncOffline(sync, stopped);
    expect(run.records.map((record) => record.externalId)).toEqual(['a', 'b']);
    const rest = await run.resumeFrom(0);
    expect(rest.pages).toEqual(run.pages.slice(1));
    expect((await run.resumeFrom(1)).pages).toEqual([]);
  });

  it('refuses to replay a sync from a recording with no run (an action’s)', async () => {
    const { run: _run, ...actionRecording } = recordingOf([ok('/items', ['a'])]);
    await expect(runSyncOffline(syncAsking([{ path: '/items' }]), actionRecording)).rejects.toThrow(new RecordingFormatError('the recording has no "run" (an action\'s recording?): a sync replays from the run it describes'));
  });
});
