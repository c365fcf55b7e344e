// /proxy/*: any request to the connection's own provider API, sent with its access token (see use-cases/proxy.ts).
import { Router } from 'express';
import { implement, type RawRouteHandler } from '../openapi-implement';
import type { RouteContract } from '../openapi-routes';
import type { ProxyUseCases } from '../use-cases/proxy';

export function proxyRoutes(proxy: ProxyUseCases, maxBodyBytes: number): Router {
  const router = Router();
  // The body goes on as the caller sent it, whatever its type: read raw, never parsed and re-serialised; the answer
  // is streamed back as the provider sent it.
  const forwarding = <R extends RouteContract>(): RawRouteHandler<R> => ({
    admit: () => ({ maxBodyBytes }),
    handle: async ({ exchange: { req, res } }) => {
      // What followed /proxy, as sent (still percent-encoded), with the query.
      await proxy.forward(req, res, req.url.slice('/proxy'.length));
      return 'answered' as const;
    },
  });
  implement(router, {
    proxyGet: forwarding(),
    proxyPost: forwarding(),
    proxyPut: forwarding(),
    proxyPatch: forwarding(),
    proxyDelete: forwarding(),
    proxyOptions: forwarding(),
  });
  return router;
}
