// The HTTP server around a sandbox's routes: the bare express app, the last error handler, listening and closing.
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express, type NextFunction, type Request, type Response } from 'express';
import type { Delays } from './delays';
import { SandboxHttpError } from './errors';

/** Without Express's X-Powered-By and ETags (with the 304s they bring), answers carry only what the routes send. */
export function bareApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  return app;
}

/** How a provider answers what its routes did not: failures Express raises itself, and the sandbox's own bugs. */
export interface FallbackAnswers {
  /** A request body that is not valid JSON. */
  invalidJson(res: Response): void;
  /** Any other 4xx Express raises (a body too large, an unsupported charset, …). */
  clientError(res: Response, status: number, message: string): void;
  /** Anything else is a sandbox bug. */
  internalError(res: Response): void;
}

/** Mounted last: a SandboxHttpError is sent exactly as built; anything else goes to the provider's fallbacks. */
export function errorHandler(fallbacks: FallbackAnswers): ErrorRequestHandler {
  return (error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) return;
    if (error instanceof SandboxHttpError) {
      res.status(error.status).set(error.headers).json(error.body);
      return;
    }
    const failure = error as { type?: string; status?: number; message?: string };
    if (failure.type === 'entity.parse.failed') return fallbacks.invalidJson(res);
    if (typeof failure.status === 'number' && failure.status >= 400 && failure.status < 500) {
      return fallbacks.clientError(res, failure.status, String(failure.message ?? 'bad request'));
    }
    fallbacks.internalError(res);
  };
}

export interface ListeningServer {
  /** e.g. http://127.0.0.1:40123 (no trailing slash). */
  url: string;
  /** Ends the sandbox's injected delays first, so no timer outlives the server and keeps the process (or jest) alive. */
  close(): Promise<void>;
}

export async function listen(app: Express, where: { port: number; host: string }, delays: Delays): Promise<ListeningServer> {
  const server: Server = await new Promise((resolve, reject) => {
    const listening = app.listen(where.port, where.host, (error?: Error) => (error ? reject(error) : resolve(listening)));
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    close: async () => {
      delays.cancelAll();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive connections would otherwise hold close() open until each client hung up.
        server.closeAllConnections();
      });
    },
  };
}

/**
 * For sandboxes with several hosts (a login host and one per environment, company or data centre): starts each
 * listener in turn; if one cannot listen, closes those already up and throws, so a failed start leaks no server.
 */
export async function listenAll(listeners: { app: Express; where: { port: number; host: string } }[], delays: Delays): Promise<ListeningServer[]> {
  const servers: ListeningServer[] = [];
  try {
    for (const { app, where } of listeners) servers.push(await listen(app, where, delays));
  } catch (error) {
    await closeAll(servers);
    throw error;
  }
  return servers;
}

export async function closeAll(servers: readonly ListeningServer[]): Promise<void> {
  await Promise.all(servers.map((server) => server.close()));
}
