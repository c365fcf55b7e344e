// A page whose insert never reached the database (the connection closed under it, as a database restart closes it)
// is not counted as stored: applying it fails, so the sync retries it from its checkpoint instead of losing it.
import { randomUUID } from 'node:crypto';
import { ensureIndexes, openDatabase, type Database } from '../../../store/database';
import { RecordRepository, type PageToApply } from '../../../store/records';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

/** Over the size a page is looked up before it is written: a first sync's page goes straight to one bulk insert. */
const PAGE = 200;

describe('a page whose insert is cut off', () => {
  let proxy: TcpProxy;
  let database: Database | null = null;
  const dbName = `t_insert_lost_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // The shared test database behind a proxy of this file's own: the fault is in the proxy, never in the server.
    const shared = new URL(process.env.MONGODB_URI as string);
    proxy = await startTcpProxy({ host: shared.hostname, port: Number(shared.port) });
    database = await openDatabase(`mongodb://${proxy.host}:${proxy.port}/`, dbName);
    await ensureIndexes(database.db);
  });
  afterAll(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
    await proxy?.close();
  });

  it('fails to apply, stores nothing, and a retry of the same page stores all of it', async () => {
    const records = new RecordRepository((database as Database).db);
    const page: PageToApply = {
      connectionId: 'cut-off',
      model: 'contacts',
      runId: 'run-1',
      seenMark: null,
      upserts: Array.from({ length: PAGE }, (_, i) => ({ externalId: `003${String(i).padStart(12, '0')}`, data: { LastName: `Contact ${i}` } })),
      deletedIds: [],
      ignoredFields: [],
    };
    // The insert command (its first element names the command and the collection) is kept from the server; then its
    // connection closes, as a stopping server closes it.
    const insertHeld = proxy.holdFrom((chunk) => chunk.includes(Buffer.from('\x02insert\x00')));
    const applying = records.applyPage(page).then(
      (outcome) => ({ outcome }),
      (error: Error) => ({ error: error.name }),
    );
    const connection = await insertHeld;
    proxy.closeTogether([connection], 0);
    const result = await applying;

    const stored = await records.collection.countDocuments({ connectionId: 'cut-off' });
    expect({ result, stored }).toEqual({ result: { error: expect.any(String) }, stored: 0 });
    // What the sync does next: the same page again, from the same checkpoint.
    expect(await records.applyPage(page)).toEqual({ added: PAGE, updated: 0, deleted: 0, unchanged: 0 });
    expect(await records.collection.countDocuments({ connectionId: 'cut-off' })).toBe(PAGE);
  });
});
