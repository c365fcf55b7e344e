// Write leases on the real database: a connection's updates wait for the writer that holds its lease, a lease whose
// holder died is taken over once it expires, and a failed write gives its lease back.
import { randomBytes, randomUUID } from 'node:crypto';
import { CredentialCipher } from '../../../security/credential-cipher';
import { ConnectionRepository } from '../../../store/connections';
import { COLLECTIONS, ensureIndexes, openDatabase, type Database } from '../../../store/database';
import { updatesNeedLeases, WriteLeases } from '../../../store/write-leases';
import { eventually } from '../../support/eventually';

/** Long enough for an unserialized update to land on a loaded 2-core machine many times over. */
const HELD_MS = 1000;

describe('write leases', () => {
  let database: Database;
  let connections: ConnectionRepository;

  beforeAll(async () => {
    database = await openDatabase(process.env.MONGODB_URI as string, `t_leases_${randomUUID().slice(0, 8)}`);
    await ensureIndexes(database.db);
    connections = new ConnectionRepository(database.db, new CredentialCipher([{ id: 'k1', key: randomBytes(32) }]));
  });
  afterAll(async () => {
    await database?.db.dropDatabase();
    await database?.close();
  });

  const leases = (leaseMs?: number) => new WriteLeases(database.db, COLLECTIONS.connectionWriteLeases, leaseMs);
  const connect = (connectionId: string) =>
    connections.create({
      connectionId,
      integration: 'sf',
      provider: 'salesforce',
      credentials: { accessToken: 'at', refreshToken: 'rt', instanceUrl: null },
      syncs: { accounts: { frequency: '1h', frequencyMs: 3_600_000 } },
    });

  it("holds a connection's update until the writer holding its lease is done, and lets another connection's through", async () => {
    // MongoDB and FerretDB 2 decide an update in one step: connection updates take no lease there, and do not wait.
    const leased = await updatesNeedLeases(database.db);
    await connect('held');
    await connect('free');
    let release!: () => void;
    const holding = leases().exclusively('held', () => new Promise<void>((resolve) => (release = resolve)));
    // The lease is taken once its insert is done; a read of the lease collection shows it.
    await eventually(async () => (await database.db.collection(COLLECTIONS.connectionWriteLeases).countDocuments({ _id: 'held' as never })) === 1, {
      intervalMs: 10,
      what: 'the lease of connection "held" to be taken',
    });

    const waiting = connections.setStatus('held', 'auth_error', 'waited');
    await connections.setStatus('free', 'auth_error', 'not held');
    expect((await connections.get('free')).statusReason).toBe('not held');
    if (leased) {
      await sleep(HELD_MS);
      expect((await connections.get('held')).status).toBe('active');
    } else {
      await waiting;
    }

    release();
    await holding;
    await waiting;
    expect((await connections.get('held')).statusReason).toBe('waited');
  });

  it('takes over a lease whose holder died once it expires, not before', async () => {
    const leaseCollection = database.db.collection<{ _id: string; holder: string; expiresAt: Date }>(COLLECTIONS.connectionWriteLeases);
    await leaseCollection.insertOne({ _id: 'orphaned', holder: 'died', expiresAt: new Date(Date.now() + HELD_MS) });
    const startedAt = Date.now();
    expect(await leases().exclusively('orphaned', async () => 'written')).toBe('written');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(HELD_MS - 50);
    // Given back afterwards, and the dead holder's lease is marked broken so no second breaker deletes a newer one.
    expect(await leaseCollection.findOne({ _id: 'orphaned' })).toBeNull();
    expect(await leaseCollection.findOne({ _id: 'orphaned~died' })).not.toBeNull();
  });

  it('takes over an expired lease whose breaker died after marking it', async () => {
    const leaseCollection = database.db.collection<{ _id: string; holder: string; expiresAt: Date }>(COLLECTIONS.connectionWriteLeases);
    const past = new Date(Date.now() - 1);
    await leaseCollection.insertMany([
      { _id: 'twice', holder: 'died', expiresAt: past },
      { _id: 'twice~died', holder: 'died', expiresAt: past },
    ]);
    expect(await leases().exclusively('twice', async () => 'written')).toBe('written');
  });

  it('lets the writers that find one expired lease hold it one at a time', async () => {
    const leaseCollection = database.db.collection<{ _id: string; holder: string; expiresAt: Date }>(COLLECTIONS.connectionWriteLeases);
    await leaseCollection.insertOne({ _id: 'contested', holder: 'died', expiresAt: new Date(Date.now() - 1) });
    let inside = 0;
    const seenInside: number[] = [];
    const writers = Array.from({ length: 8 }, (_, i) =>
      leases().exclusively('contested', async () => {
        seenInside.push(++inside);
        await sleep(20);
        inside--;
        return i;
      }),
    );
    expect((await Promise.all(writers)).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(Math.max(...seenInside)).toBe(1);
  });

  it('answers busy, without writing, when the lease is not had within the wait allowed', async () => {
    let release!: () => void;
    const holding = leases().exclusively('busy', () => new Promise<void>((resolve) => (release = resolve)));
    await eventually(async () => (await database.db.collection(COLLECTIONS.connectionWriteLeases).countDocuments({ _id: 'busy' as never })) === 1, {
      intervalMs: 10,
      what: 'the lease of "busy" to be taken',
    });
    let wrote = false;
    const refused = leases().exclusively('busy', async () => (wrote = true), { ms: 100, busy: () => new Error('busy: retry') });
    await expect(refused).rejects.toThrow('busy: retry');
    expect(wrote).toBe(false);
    release();
    await holding;
    expect(await leases().exclusively('busy', async () => 'after', { ms: 10_000, busy: () => new Error('busy') })).toBe('after');
  });

  it('gives the lease back when the write fails', async () => {
    await expect(leases().exclusively('failing', async () => Promise.reject(new Error('refused')))).rejects.toThrow('refused');
    const startedAt = Date.now();
    expect(await leases(60_000).exclusively('failing', async () => 'next')).toBe('next');
    expect(Date.now() - startedAt).toBeLessThan(HELD_MS * 10);
  });
});

/** The one fixed wait: how long a held lease must keep a write out, which no outcome can be polled for. */
function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
