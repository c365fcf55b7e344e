// The monitor watchdog's bound: a check outstanding longer than the driver's own timeouts allow is wedged, and only
// that one makes it reconnect; a slow but legitimate check (an awaited hello of the streaming monitor) never does.
// The real wedge, through real sockets, is test/integration/faults/database-client-wedge.test.ts.
import { EventEmitter } from 'node:events';
import type { MongoClient } from 'mongodb';
import { watchServerMonitors, type MonitorWatchdog } from '../../store/monitor-watchdog';

const CONNECT_TIMEOUT_MS = 2000;
const HEARTBEAT_FREQUENCY_MS = 10_000;
const MARGIN_MS = 1000;
/** A check after a failure (or the first): a connect, then a hello. */
const CONNECT_AND_HELLO_BOUND_MS = 2 * CONNECT_TIMEOUT_MS + MARGIN_MS;
/** A check after a success: a hello on the connection the monitor kept. */
const HELLO_BOUND_MS = CONNECT_TIMEOUT_MS + MARGIN_MS;
/** An awaited hello on the kept connection: the server may hold it for heartbeatFrequencyMS. */
const AWAITED_BOUND_MS = CONNECT_TIMEOUT_MS + HEARTBEAT_FREQUENCY_MS + MARGIN_MS;

/** What the watchdog uses of a MongoClient: its SDAM events, close and connect. */
class RecordingClient extends EventEmitter {
  readonly calls: string[] = [];
  failConnects = 0;
  async close() {
    this.calls.push('close');
    this.emit('topologyClosed', {});
  }
  async connect() {
    this.calls.push('connect');
    if (this.failConnects > 0) {
      this.failConnects--;
      throw new Error('Server selection timed out');
    }
    return this;
  }
  heartbeat(kind: 'Started' | 'Succeeded' | 'Failed', awaited = false) {
    this.emit(`serverHeartbeat${kind}`, { connectionId: '127.0.0.1:27017', awaited });
  }
}

describe('the monitor watchdog', () => {
  let client: RecordingClient;
  let watchdog: MonitorWatchdog;

  beforeEach(() => {
    jest.useFakeTimers();
    client = new RecordingClient();
    watchdog = watchServerMonitors(client as unknown as MongoClient, {
      connectTimeoutMS: CONNECT_TIMEOUT_MS,
      heartbeatFrequencyMS: HEARTBEAT_FREQUENCY_MS,
      marginMs: MARGIN_MS,
      checkEveryMs: 100,
      retryEveryMs: 500,
    });
  });
  afterEach(() => {
    watchdog.stop();
    jest.useRealTimers();
  });

  it('leaves checks that end alone, however many', async () => {
    for (let i = 0; i < 20; i++) {
      // After a failure the next check connects first: it may take a connect plus a hello.
      client.heartbeat('Started');
      await jest.advanceTimersByTimeAsync((i % 2 === 0 ? CONNECT_AND_HELLO_BOUND_MS : HELLO_BOUND_MS) - 500);
      client.heartbeat(i % 2 === 0 ? 'Succeeded' : 'Failed');
    }
    expect(client.calls).toEqual([]);
  });

  it('gives a first check a connect plus a hello, then reconnects', async () => {
    client.heartbeat('Started');
    await jest.advanceTimersByTimeAsync(CONNECT_AND_HELLO_BOUND_MS - 200);
    expect(client.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(400);
    expect(client.calls).toEqual(['close', 'connect']);
    // The new client's checks start afresh: nothing more happens while they keep ending.
    client.heartbeat('Started');
    client.heartbeat('Succeeded');
    await jest.advanceTimersByTimeAsync(CONNECT_AND_HELLO_BOUND_MS * 3);
    expect(client.calls).toEqual(['close', 'connect']);
  });

  it('gives a check after a success a hello on the kept connection (the wedge after a restart)', async () => {
    client.heartbeat('Started');
    client.heartbeat('Succeeded');
    client.heartbeat('Started');
    await jest.advanceTimersByTimeAsync(HELLO_BOUND_MS - 200);
    expect(client.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(400);
    expect(client.calls).toEqual(['close', 'connect']);
  });

  it('gives an awaited hello the time the server may hold it', async () => {
    client.heartbeat('Started');
    client.heartbeat('Succeeded');
    client.heartbeat('Started', true);
    await jest.advanceTimersByTimeAsync(AWAITED_BOUND_MS - 200);
    expect(client.calls).toEqual([]);
    await jest.advanceTimersByTimeAsync(400);
    expect(client.calls).toEqual(['close', 'connect']);
  });

  it('keeps connecting while the database does not answer, then stops', async () => {
    client.failConnects = 3;
    client.heartbeat('Started');
    await jest.advanceTimersByTimeAsync(CONNECT_AND_HELLO_BOUND_MS + 200);
    await jest.advanceTimersByTimeAsync(3 * 500 + 100);
    expect(client.calls).toEqual(['close', 'connect', 'connect', 'connect', 'connect']);
    await jest.advanceTimersByTimeAsync(5000);
    expect(client.calls).toHaveLength(5);
  });

  it('does nothing once stopped (the database closed by its owner)', async () => {
    client.heartbeat('Started');
    watchdog.stop();
    await jest.advanceTimersByTimeAsync(AWAITED_BOUND_MS * 2);
    expect(client.calls).toEqual([]);
  });
});
