// Reconnects a MongoClient whose server monitoring has wedged: a heartbeat that outlives every timeout the driver gives it.
import type { MongoClient, ServerHeartbeatStartedEvent } from 'mongodb';

/** What the watchdog tells the process's log; pino's logger fits it. */
export interface WatchdogLog {
  warn(details: object, message: string): void;
  info(details: object, message: string): void;
}

export interface MonitorWatchdogOptions {
  /** The client's connectTimeoutMS: a heartbeat's TCP connect and its hello each end within it. */
  connectTimeoutMS: number;
  /** The client's heartbeatFrequencyMS: an awaited (streaming) hello may wait this long for news. */
  heartbeatFrequencyMS: number;
  /** Slack for a busy event loop that runs the driver's timers late. */
  marginMs?: number;
  checkEveryMs?: number;
  /** Between attempts to connect again while the database still does not answer. */
  retryEveryMs?: number;
  log?: WatchdogLog;
}

export interface MonitorWatchdog {
  stop(): void;
}

/**
 * The driver's monitor checks one server at a time and starts no other check until that one ends. Driver 7.9 can
 * start a check on its monitoring connection after the socket was destroyed and before the connection heard of it
 * (the database closing every connection at once, as a restart does): the hello is written to the dead socket, which
 * never emits the `drain` the driver waits for, and the check never ends. The server then stays Unknown for good and
 * every operation fails server selection, while the database answers everyone else. A check can legitimately last at
 * most a hello (connectTimeoutMS, plus heartbeatFrequencyMS for an awaited one), preceded by a connect (another
 * connectTimeoutMS) unless the last check succeeded and the monitor kept its connection; one outstanding longer is
 * wedged, and nothing the application does through the client would ever unwedge it.
 * Closing the client and connecting it again (the same MongoClient, so every Db and Collection made from it stays
 * valid) gives it new monitors.
 */
export function watchServerMonitors(client: MongoClient, options: MonitorWatchdogOptions): MonitorWatchdog {
  const { connectTimeoutMS, heartbeatFrequencyMS, marginMs = 5000, checkEveryMs = 1000, retryEveryMs = 1000, log } = options;
  /** Per server address: when its outstanding check started, and how long it may legitimately take. */
  const outstanding = new Map<string, { since: number; limitMs: number }>();
  /** Per server address: whether its last check succeeded, so that the monitor kept its connection open. */
  const connectionKept = new Map<string, boolean>();
  let stopped = false;
  let reconnecting = false;

  const started = (event: ServerHeartbeatStartedEvent) => {
    // A check after a success says hello on the connection it kept; after a failure (or at first) it connects first.
    const connectMs = connectionKept.get(event.connectionId) ? 0 : connectTimeoutMS;
    const helloMs = connectTimeoutMS + (event.awaited ? heartbeatFrequencyMS : 0);
    outstanding.set(event.connectionId, { since: Date.now(), limitMs: connectMs + helloMs + marginMs });
  };
  const ended = (succeeded: boolean) => (event: { connectionId: string }) => {
    outstanding.delete(event.connectionId);
    connectionKept.set(event.connectionId, succeeded);
  };
  const succeeded = ended(true);
  const failed = ended(false);
  const serverGone = (event: { address: string }) => {
    outstanding.delete(event.address);
    connectionKept.delete(event.address);
  };
  const topologyGone = () => {
    outstanding.clear();
    connectionKept.clear();
  };
  client.on('serverHeartbeatStarted', started);
  client.on('serverHeartbeatSucceeded', succeeded);
  client.on('serverHeartbeatFailed', failed);
  client.on('serverClosed', serverGone);
  client.on('topologyClosed', topologyGone);

  const reconnect = async (address: string, stuckForMs: number) => {
    reconnecting = true;
    log?.warn({ server: address, stuckForMs }, 'database client: a server check never ended; reconnecting the client');
    try {
      // Connecting again is what unwedges it, so a close that fails (it only tidies up) does not stop that.
      await client.close().catch((error: Error) => log?.warn({ err: error.message }, 'database client: closing the wedged client failed'));
      for (let attempt = 1; !stopped; attempt++) {
        try {
          await client.connect();
          // Closed by its owner while connecting: a client connected behind its back would keep the process alive.
          if (stopped) await client.close();
          else log?.info({ server: address, attempts: attempt }, 'database client reconnected');
          return;
        } catch (error) {
          // The database may still be down: the next attempt waits for it as any operation would.
          if (attempt === 1) log?.warn({ err: (error as Error).message }, 'database client: reconnecting failed, trying again');
          await new Promise((resolve) => setTimeout(resolve, retryEveryMs).unref());
        }
      }
    } finally {
      reconnecting = false;
    }
  };

  const timer = setInterval(() => {
    if (reconnecting || stopped) return;
    const now = Date.now();
    for (const [address, check] of outstanding) {
      const age = now - check.since;
      if (age > check.limitMs) {
        outstanding.clear();
        void reconnect(address, age);
        return;
      }
    }
  }, checkEveryMs);
  // The watchdog never keeps a process alive on its own.
  timer.unref();

  return {
    stop() {
      stopped = true;
      clearInterval(timer);
      client.off('serverHeartbeatStarted', started);
      client.off('serverHeartbeatSucceeded', succeeded);
      client.off('serverHeartbeatFailed', failed);
      client.off('serverClosed', serverGone);
      client.off('topologyClosed', topologyGone);
    },
  };
}
