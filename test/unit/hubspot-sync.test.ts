// The HubSpot sync file against the HubSpot sandbox, without the stack: what it reads, in how many requests, and
// that every checkpoint it hands out is a correct place to resume.
import { providerCatalog } from '../../providers/catalog';
import { hubspot } from '../../providers/hubspot/hubspot.provider';
import { SEARCH_LIMIT } from '../../providers/hubspot/crm-object-sync';
import { startHubSpotSandbox, type HubSpotSandbox } from '../../sandbox/hubspot/server';
import { createProviderHttpClient } from '../../sync-engine/provider-http-client';
import type { Checkpoint } from '../../sync/checkpoint';
import type { SyncMode } from '../../sync/sync-definition';

const contacts = hubspot.syncs.find((s) => s.model === 'contacts')!;

describe('HubSpot contacts sync', () => {
  let sandbox: HubSpotSandbox;
  beforeEach(async () => {
    sandbox = await startHubSpotSandbox({ tenSecondlyLimit: 0 });
  });
  afterEach(() => sandbox.close());

  /** Reads a whole run and returns what it stored (last write wins), the deletes and the final checkpoint. */
  async function run(mode: SyncMode, from: Checkpoint | null, opts: { stopAfterPages?: number; lookbackMs?: number } = {}) {
    const http = createProviderHttpClient({ baseUrl: sandbox.url, accessToken: sandbox.issueGrant().accessToken, urlRules: providerCatalog.withUrlPolicy({ allowLoopback: true }).urlRules('hubspot'), maxResponseBytes: hubspot.api.maxResponseBytes, errorRules: hubspot.api.errorRules, timeoutMs: 10_000 });
    const stored = new Map<string, unknown>();
    const deleted = new Set<string>();
    let checkpoint = from;
    let pages = 0;
    for await (const page of contacts.fetchPages({ mode, checkpoint: from, http, pageSize: hubspot.api.pageSize, lookbackMs: opts.lookbackMs ?? 0 })) {
      for (const record of page.records) {
        const parsed = contacts.schema.parse(record);
        stored.set(contacts.idOf(parsed), parsed);
      }
      for (const id of page.deletedIds) deleted.add(id);
      checkpoint = page.checkpoint;
      if (++pages === opts.stopAfterPages) break;
    }
    return { stored, deleted, checkpoint, pages };
  }

  const searches = () => sandbox.stats().requests.search ?? 0;

  it('reads more than 10,000 changes sharing modified dates by keyset search: complete, never past the cap, in bounded requests', async () => {
    const ids = sandbox.seed('contacts', 10_500);
    const initial = await run('incremental', null);
    expect(initial.stored.size).toBe(10_500);
    expect(initial.checkpoint).toMatchObject({ phase: 'done', stage: 'from' });

    // One import touches every contact: 700 share each millisecond, 15 groups, far over a page and over the cap in total.
    sandbox.updateMany('contacts', ids, { lifecyclestage: 'customer' }, { tieGroupSize: 700 });
    sandbox.resetStats();
    const incremental = await run('incremental', initial.checkpoint, { lookbackMs: hubspot.api.incrementalLookbackMs });
    expect(incremental.stored.size).toBe(10_500);
    for (const record of incremental.stored.values()) expect(record).toMatchObject({ properties: { lifecyclestage: 'customer' } });
    expect(sandbox.stats().refusals.searchCap ?? 0).toBe(0);
    // Per 700-record tie: one range page that is all one instant, four id pages (the last one short). No loop.
    const bound = Math.ceil(10_500 / SEARCH_LIMIT) * 2 + 15 * 2 + 2;
    expect(searches()).toBeLessThanOrEqual(bound);
    expect(incremental.checkpoint).toMatchObject({ phase: 'done', stage: 'after' });

    // Nothing changed: the next run costs one search and one archived list page, and reads nothing.
    sandbox.resetStats();
    const idle = await run('incremental', incremental.checkpoint);
    expect(idle.stored.size).toBe(0);
    expect(sandbox.stats().requests).toEqual({ search: 1, list: 1 });
  });

  it('resumes from any checkpoint it handed out without losing a record, ties included', async () => {
    const ids = sandbox.seed('contacts', 1_200);
    const { checkpoint: start } = await run('incremental', null);
    sandbox.updateMany('contacts', ids.slice(0, 900), { jobtitle: 'Tied' }, { tieGroupSize: 450 });
    sandbox.updateMany('contacts', ids.slice(900), { jobtitle: 'Spread' }, { tieGroupSize: 1 });
    // Stop after every page in turn and resume from its checkpoint: the union must be every changed record.
    const seen = new Set<string>();
    let checkpoint = start;
    for (let slices = 0; slices < 100; slices++) {
      const slice = await run('incremental', checkpoint, { stopAfterPages: 1 });
      for (const id of slice.stored.keys()) seen.add(id);
      checkpoint = slice.checkpoint;
      if (slice.checkpoint?.phase === 'done') break;
    }
    expect(checkpoint).toMatchObject({ phase: 'done' });
    expect(seen.size).toBe(1_200);
  });

  it('sees archived records as deletes, and restored ones as changes', async () => {
    const ids = sandbox.seed('contacts', 40);
    const first = await run('incremental', null);
    sandbox.archive('contacts', ids[3]);
    sandbox.archive('contacts', ids[7]);
    const second = await run('incremental', first.checkpoint);
    expect([...second.deleted].sort()).toEqual([ids[3], ids[7]].sort());
    sandbox.restore('contacts', ids[3]);
    const third = await run('incremental', second.checkpoint);
    // Archives within the clock margin are reported again; the store ignores deletes of deleted records.
    expect(third.deleted.has(ids[3])).toBe(false);
    expect([...third.stored.keys()]).toEqual([ids[3]]);
  });

  it('with a lookback, re-reads the window before its cursor', async () => {
    sandbox.seed('contacts', 10);
    const first = await run('incremental', null);
    const changed = sandbox.update('contacts', sandbox.records('contacts')[0].id, { jobtitle: 'Changed' });
    const plain = await run('incremental', first.checkpoint);
    expect([...plain.stored.keys()]).toEqual([changed.id]);
    const again = await run('incremental', plain.checkpoint, { lookbackMs: 60_000 });
    expect([...again.stored.keys()]).toEqual([changed.id]);
  });
});
