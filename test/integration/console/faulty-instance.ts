// A Salesforce instance on loopback that passes every request through to the sandbox, except that while `failQueries`
// is on its SOQL queries answer a 400 whose message the test chooses (say, one carrying HTML): the provider error a
// support person reads in the console, from a provider whose text nobody controls.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FaultyInstance {
  /** Give this as the connection's instance URL. */
  url: string;
  failQueries: boolean;
  /** Query requests answered with the error so far. */
  failedQueries: number;
  close(): Promise<void>;
}

const QUERY_PATH = /^\/services\/data\/[^/]+\/query(All)?\/?(\?|$)/;

export async function startFaultyInstance(sandboxUrl: string, errorCode: string, errorMessage: string): Promise<FaultyInstance> {
  const target = new URL(sandboxUrl);
  const instance: FaultyInstance = {
    url: '',
    failQueries: false,
    failedQueries: 0,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };

  function passThrough(req: IncomingMessage, res: ServerResponse) {
    const upstream = httpRequest(
      { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    upstream.on('error', () => res.writeHead(502).end());
    req.pipe(upstream);
  }

  const server: Server = createServer((req, res) => {
    if (instance.failQueries && req.method === 'GET' && QUERY_PATH.test(req.url ?? '')) {
      instance.failedQueries++;
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end(JSON.stringify([{ errorCode, message: errorMessage }]));
      return;
    }
    passThrough(req, res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  instance.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return instance;
}
