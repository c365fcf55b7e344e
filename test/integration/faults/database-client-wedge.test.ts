// The database client finds the database again after every connection to it closed at once (a restart), even when
// its server monitor's check was caught between a dead socket and the close it had not heard of yet.
import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '../../../store/database';
import { startTcpProxy, type TcpProxy } from '../../support/tcp-proxy';

/** Past the driver's 500 ms minimum between two checks, so a failed operation makes the monitor check at once. */
const MONITOR_IDLE_MS = 700;
/**
 * A wedged monitor is noticed once its hello has been outstanding for connectTimeoutMS (10 s) plus 5 s of slack, then
 * the client reconnects: well under this on a loaded 2-core machine. A client that stays wedged never answers.
 */
const RECOVERY_BOUND_MS = 45_000;

describe('the database client after every connection closed at once', () => {
  let proxy: TcpProxy;
  let database: Database | null = null;
  const dbName = `t_client_wedge_${randomUUID().slice(0, 8)}`;

  beforeAll(async () => {
    // The shared test database behind a proxy of this file's own: the faults happen in the proxy, never to the server.
    const shared = new URL(process.env.MONGODB_URI as string);
    proxy = await startTcpProxy({ host: shared.hostname, port: Number(shared.port) });
  });
  afterAll(async () => {
    await database?.db.dropDatabase().catch(() => undefined);
    await database?.close();
    await proxy?.close();
  });

  it('reaches the database again when the monitor connection closed first and operations were in flight', async () => {
    database = await openDatabase(`mongodb://${proxy.host}:${proxy.port}/`, dbName);
    const records = database.db.collection<{ _id: string; n: number }>('records');
    await records.insertOne({ _id: 'one', n: 1 });
    // Several pooled connections; the monitor's is the first the client opened.
    await Promise.all(Array.from({ length: 4 }, () => records.findOne({ _id: 'one' })));
    const [monitorConnection, ...poolConnections] = proxy.connections();
    expect(poolConnections.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, MONITOR_IDLE_MS));

    // Requests in flight when the server goes: each fails and makes the client look for the server again.
    proxy.hold(true);
    const inFlight = Array.from({ length: 4 }, () => records.findOne({ _id: 'one' }).catch((error: Error) => error));
    await new Promise((resolve) => setTimeout(resolve, 100));
    proxy.hold(false);
    proxy.closeTogether([monitorConnection, ...poolConnections]);
    await Promise.all(inFlight);

    // The database (behind the proxy) answers new connections all along: the client must find it again.
    const closedAt = Date.now();
    let lastError = '';
    let found: { n: number } | null = null;
    while (!found && Date.now() - closedAt < RECOVERY_BOUND_MS) {
      found = await records.findOne({ _id: 'one' }, { maxTimeMS: 2000 }).catch((error: Error) => {
        lastError = `${error.name}: ${error.message}`;
        return null;
      });
      if (!found) await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    expect({ found, lastError: found ? '' : lastError }).toEqual({ found: { _id: 'one', n: 1 }, lastError: '' });
  });
});
