// Liveness and readiness: /healthz says the process is up; /readyz that Temporal and the database answer.
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from 'mongodb';

export function healthRoutes(db: Db, temporal: Client): Router {
  const router = Router();
  router.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  router.get('/readyz', async (_req, res) => {
    const checks = await Promise.all([
      db.command({ ping: 1 }).then(() => true, () => false),
      temporal.workflowService.getSystemInfo({}).then(() => true, () => false),
    ]);
    const [database, temporalReady] = checks;
    res.status(database && temporalReady ? 200 : 503).json({ ok: database && temporalReady, database, temporal: temporalReady });
  });
  return router;
}
