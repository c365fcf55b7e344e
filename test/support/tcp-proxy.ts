// A loopback TCP proxy between a client and a server, for network faults a test places exactly: held requests, and
// connections closed in an order of the test's choosing.
import { connect, createServer, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ProxiedConnection {
  /** 0 for the first connection the proxy accepted, then 1, 2, … */
  readonly index: number;
  /** The proxy's end of the client's connection. */
  readonly client: Socket;
}

export interface TcpProxy {
  /** 127.0.0.1 and the proxy's port. */
  host: string;
  port: number;
  /** Open connections, in the order the proxy accepted them. */
  connections(): ProxiedConnection[];
  /** While held, what clients send is kept back: a request sent meanwhile waits for an answer that does not come. */
  hold(held: boolean): void;
  /**
   * From the first chunk a client sends that `matches` on, keeps back everything that connection sends (that chunk
   * too): the request never reaches the server. Resolves with the connection.
   */
  holdFrom(matches: (chunk: Buffer) => boolean): Promise<ProxiedConnection>;
  /**
   * Closes these client connections (FIN, as a server process that exits does) one after the other in this order, and
   * keeps this process from reading its sockets for `settleMs` after, so a client in this process finds every close
   * waiting at once, as when a database server exits.
   */
  closeTogether(connections: ProxiedConnection[], settleMs?: number): void;
  close(): Promise<void>;
}

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const open: ProxiedConnection[] = [];
  let accepted = 0;
  let held = false;
  const heldConnections = new Set<ProxiedConnection>();
  const watches: { matches: (chunk: Buffer) => boolean; found: (connection: ProxiedConnection) => void }[] = [];
  const server = createServer((client) => {
    const upstream = connect(target.port, target.host);
    const connection: ProxiedConnection = { index: accepted++, client };
    open.push(connection);
    client.on('data', (chunk) => {
      const watch = watches.find((candidate) => candidate.matches(chunk));
      if (watch) {
        watches.splice(watches.indexOf(watch), 1);
        heldConnections.add(connection);
        watch.found(connection);
      }
      if (!held && !heldConnections.has(connection)) upstream.write(chunk);
    });
    upstream.on('data', (chunk) => client.write(chunk));
    // A closed side closes the other; errors are the faults under test, not the proxy's.
    client.on('error', () => undefined);
    upstream.on('error', () => undefined);
    client.on('close', () => {
      upstream.destroy();
      open.splice(open.indexOf(connection), 1);
    });
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    connections: () => [...open],
    hold(value) {
      held = value;
    },
    holdFrom(matches) {
      return new Promise((found) => watches.push({ matches, found }));
    },
    closeTogether(connections, settleMs = 30) {
      for (const connection of connections) connection.client.destroy();
      // Blocking on purpose: the closes must reach the client's sockets before its event loop looks at any of them.
      const until = Date.now() + settleMs;
      while (Date.now() < until) {
        // spin
      }
    },
    async close() {
      for (const connection of [...open]) connection.client.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
