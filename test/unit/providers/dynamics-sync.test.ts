// The Dynamics sync files against the Dynamics sandbox, without the stack: change tracking (first read, deltas with
// deletes, an expired token), the modifiedon fallback of a table without it (ties across pages, the sweep it asks
// for), field discovery, and that every checkpoint it hands out is a correct place to resume.
import { providerCatalog } from '../../../providers/catalog';
import { dynamics } from '../../../providers/dynamics/dynamics.provider';
import { startDynamicsSandbox, type DynamicsEnvironmentHandle, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import type { Checkpoint } from '../../../sync/checkpoint';
import { createProviderHttpClient } from '../../../sync-engine/provider-http-client';
import { FullResyncNeeded } from '../../../sync/provider-error';
import type { SyncMode } from '../../../sync/sync-definition';

const contacts = dynamics.syncs.find((sync) => sync.model === 'contacts')!;
const rules = providerCatalog.withUrlPolicy({ allowLoopback: true }).urlRules('dynamics');

describe('Dynamics contacts sync', () => {
  let sandbox: DynamicsSandbox;
  let environment: DynamicsEnvironmentHandle;
  beforeEach(async () => {
    sandbox = await startDynamicsSandbox({ requestsPerWindow: 0 });
    environment = sandbox.environment();
  });
  afterEach(() => sandbox.close());

  const http = () =>
    createProviderHttpClient({
      baseUrl: environment.apiUrl,
      accessToken: sandbox.issueGrant().accessToken,
      urlRules: rules,
      maxResponseBytes: dynamics.api.maxResponseBytes,
      errorRules: dynamics.api.errorRules,
      timeoutMs: 10_000,
    });

  /** Reads a whole run: what it stored (last write wins), the deletes, each page's checkpoint and notes. */
  async function run(mode: SyncMode, from: Checkpoint | null, opts: { pageSize?: number; stopAfterPages?: number; fields?: string[] } = {}) {
    const stored = new Map<string, Record<string, unknown>>();
    const deleted: string[] = [];
    const checkpoints: (Checkpoint | null)[] = [];
    const notes: string[] = [];
    const client = http();
    for await (const page of contacts.fetchPages({ mode, checkpoint: from, http: client, pageSize: opts.pageSize ?? 5, lookbackMs: 0, fields: opts.fields })) {
      for (const record of page.records) {
        const parsed = contacts.schema.parse(record);
        stored.set(contacts.idOf(parsed), parsed);
      }
      deleted.push(...page.deletedIds);
      checkpoints.push(page.checkpoint);
      if (page.note) notes.push(page.note);
      if (checkpoints.length === opts.stopAfterPages) break;
    }
    return { stored, deleted, checkpoints, checkpoint: checkpoints[checkpoints.length - 1] ?? from, notes };
  }

  it('reads every row by change tracking, then exactly the changes and deletes from its delta link', async () => {
    const ids = environment.seed('contacts', 23, { tieGroupSize: 4 });
    const initial = await run('full', null);
    expect([...initial.stored.keys()].sort()).toEqual([...ids].sort());
    expect(initial.checkpoints).toHaveLength(5);
    expect(initial.checkpoint).toEqual({ phase: 'delta', deltaLink: expect.stringContaining('$deltatoken=') });
    expect(initial.notes).toEqual([]);

    environment.update('contacts', ids[3], { jobtitle: 'CTO' });
    environment.delete('contacts', ids[7]);
    const added = environment.create('contacts', { lastname: 'Lovelace', emailaddress1: 'ada@example.com' });
    const delta = await run('incremental', initial.checkpoint);
    expect([...delta.stored.keys()].sort()).toEqual([ids[3], String(added.contactid)].sort());
    expect(delta.stored.get(ids[3])).toMatchObject({ jobtitle: 'CTO' });
    expect(delta.deleted).toEqual([ids[7]]);

    const quiet = await run('incremental', delta.checkpoint);
    expect([quiet.stored.size, quiet.deleted.length]).toEqual([0, 0]);
    expect(quiet.checkpoint).toMatchObject({ phase: 'delta' });
  });

  it('resumes a full read and a delta read from any checkpoint they handed out, missing nothing', async () => {
    const ids = environment.seed('contacts', 12, { tieGroupSize: 5 });
    const whole = await run('full', null);
    for (const [index, checkpoint] of whole.checkpoints.slice(0, -1).entries()) {
      const before = await run('full', null, { stopAfterPages: index + 1 });
      const rest = await run('full', checkpoint);
      expect(new Set([...before.stored.keys(), ...rest.stored.keys()])).toEqual(new Set(ids));
    }
    environment.updateMany('contacts', ids, { jobtitle: 'Engineer' }, { tieGroupSize: 6 });
    const firstPage = await run('incremental', whole.checkpoint, { stopAfterPages: 1 });
    expect(firstPage.checkpoint).toMatchObject({ phase: 'delta-read' });
    const rest = await run('incremental', firstPage.checkpoint);
    expect(new Set([...firstPage.stored.keys(), ...rest.stored.keys()])).toEqual(new Set(ids));
  });

  it('an expired delta token asks for a full resync instead of reading on', async () => {
    environment.seed('contacts', 3);
    const initial = await run('full', null);
    sandbox.faults.expireDeltaTokens();
    await expect(run('incremental', initial.checkpoint)).rejects.toThrow(FullResyncNeeded);
    await expect(run('incremental', initial.checkpoint)).rejects.toThrow(/change-tracking token of contact expired/);
  });

  describe('a table without change tracking', () => {
    beforeEach(() => environment.setChangeTracking('contacts', false));

    it('is read whole, then by modifiedon with ties across page boundaries, saying why, and asks for a sweep when one is due', async () => {
      const ids = environment.seed('contacts', 8);
      const initial = await run('full', null);
      expect(initial.stored.size).toBe(8);
      expect(initial.checkpoint).toEqual({ phase: 'modified', since: expect.any(Number), sweptAt: expect.any(Number) });
      expect(initial.notes).toEqual([expect.stringMatching(/^contact has no change tracking in this environment: changes are read by modifiedon, and deletes found by reading every row at most every 1 h$/)]);

      // Twelve rows share each second across page boundaries of five.
      environment.updateMany('contacts', ids, { jobtitle: 'Tied' }, { tieGroupSize: 4 });
      const more = environment.importNow('contacts', 8, { tieGroupSize: 12 });
      const changes = await run('incremental', initial.checkpoint);
      expect(new Set(changes.stored.keys())).toEqual(new Set([...ids, ...more]));
      expect(changes.deleted).toEqual([]);
      expect(changes.checkpoints.length).toBeGreaterThan(3);
      expect(changes.notes).toHaveLength(1);

      // The last full read is older than the sweep interval: only reading everything finds the deletes since.
      const stale = { ...changes.checkpoint, sweptAt: Date.now() - 2 * 60 * 60_000 };
      await expect(run('incremental', stale)).rejects.toThrow(/last full read was 2 h ago/);
    });
  });

  it('discovers columns from table metadata: custom ones and lookups by their Web API names, secured ones left out', async () => {
    const fields = await contacts.fields!.list(http());
    const byName = new Map(fields.map((field) => [field.name, field]));
    expect(byName.get('new_tier')).toEqual({ name: 'new_tier', kind: 'string', custom: true });
    expect(byName.get('new_loyaltypoints')).toEqual({ name: 'new_loyaltypoints', kind: 'number', custom: true });
    expect(byName.get('_parentcustomerid_value')).toEqual({ name: '_parentcustomerid_value', kind: 'string', custom: false });
    expect(byName.get('modifiedon')).toEqual({ name: 'modifiedon', kind: 'datetime', custom: false });
    expect(byName.has('new_nationalid')).toBe(false);

    const [id] = environment.seed('contacts', 1);
    environment.update('contacts', id, { new_tier: 'gold' });
    const read = await run('full', null, { fields: ['contactid', 'createdon', 'modifiedon', 'lastname', 'new_tier'] });
    expect(read.stored.get(id)).toEqual({ etag: expect.any(String), contactid: id, createdon: expect.any(String), modifiedon: expect.any(String), lastname: expect.anything(), new_tier: 'gold' });
  });
});
