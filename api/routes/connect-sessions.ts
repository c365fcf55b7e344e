// /connect-sessions: the app (with its secret key) gets a connect URL to hand to its customer's browser.
import { Router } from 'express';
import { implement } from '../openapi-implement';
import type { ConnectUseCases } from '../use-cases/connect';

export function connectSessionRoutes(connect: ConnectUseCases): Router {
  const router = Router();
  implement(router, {
    createConnectSession: async ({ body }) => ({ status: 201, body: await connect.createSession(body) }),
  });
  return router;
}
