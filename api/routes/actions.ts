// /connections/:connectionId/actions: run a write with an Idempotency-Key, and read an action's outcome by id.
import { Router } from 'express';
import type { ActionUseCases } from '../use-cases/actions';

export function actionRoutes(actions: ActionUseCases): Router {
  const router = Router();
  router.post('/connections/:connectionId/actions/:action', async (req, res) => {
    const { status, body } = await actions.run(String(req.params.connectionId), String(req.params.action), req.get('idempotency-key'), req.body);
    res.status(status).json(body);
  });
  router.get('/connections/:connectionId/actions/:action', async (req, res) => {
    res.status(200).json(await actions.describe(String(req.params.connectionId), String(req.params.action)));
  });
  return router;
}
