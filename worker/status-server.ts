// The worker's small HTTP server for probes and scrapers: /healthz, /readyz and /metrics, and nothing else.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Registry } from 'prom-client';
import { checkReadiness, type ReadinessCheck } from '../observability/readiness';

export interface StatusServerOptions {
  host: string;
  /** 0 picks a free port; read it back from `url`. */
  port: number;
  registry: Registry;
  /** Each must pass for /readyz to answer 200; the body names every one, so a 503 says which failed. */
  readiness: Record<string, ReadinessCheck>;
}

export interface StatusServer {
  url: string;
  close(): Promise<void>;
}

export async function startStatusServer(options: StatusServerOptions): Promise<StatusServer> {
  const server = createServer((req, res) => {
    if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' });
    const path = new URL(req.url ?? '/', 'http://status').pathname;
    switch (path) {
      case '/healthz':
        return json(res, 200, { ok: true });
      case '/readyz':
        return void checkReadiness(options.readiness).then((readiness) => json(res, readiness.ok ? 200 : 503, readiness));
      case '/metrics':
        return void options.registry.metrics().then(
          (text) => {
            res.writeHead(200, { 'content-type': options.registry.contentType });
            res.end(text);
          },
          () => json(res, 500, { error: 'metrics collection failed' }),
        );
      default:
        return json(res, 404, { error: 'not found' });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // A scraper's keep-alive connection would otherwise hold the worker's shutdown open.
        server.closeIdleConnections();
      }),
  };
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
