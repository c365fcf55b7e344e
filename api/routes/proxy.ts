// /proxy/*: any request to the connection's own provider API, sent with its access token (see use-cases/proxy.ts).
import express, { Router } from 'express';
import type { ProxyUseCases } from '../use-cases/proxy';

export function proxyRoutes(proxy: ProxyUseCases, maxBodyBytes: number): Router {
  const router = Router();
  // The body goes on as the caller sent it, whatever its type: read it raw, never parsed and re-serialised.
  router.use(express.raw({ type: () => true, limit: maxBodyBytes }));
  router.use(async (req, res) => {
    await proxy.forward(req, res);
  });
  return router;
}
