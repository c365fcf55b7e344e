// Probes and scraping: /healthz says the process is up, /readyz that Temporal and the database answer, /metrics is Prometheus.
import type { Client } from '@temporalio/client';
import { Router } from 'express';
import type { Db } from 'mongodb';
import type { Registry } from 'prom-client';
import { createProcessRegistry } from '../../observability/metrics';
import { checkReadiness } from '../../observability/readiness';
import { implement } from '../openapi-implement';

/** `probes: false` leaves /readyz and /metrics out: the public port of an API that serves them on an internal port. */
export function healthRoutes(db: Db, temporal: Client, { probes = true, registry = createProcessRegistry() }: { probes?: boolean; registry?: Registry } = {}): Router {
  const router = Router();
  implement(router, { health: () => ({ status: 200, body: { ok: true } }) });
  if (!probes) return router;
  implement(router, {

    readiness: async () => {
      const readiness = await checkReadiness({
        database: () => db.command({ ping: 1 }),
        temporal: () => temporal.workflowService.getSystemInfo({}),
      });
      return { status: readiness.ok ? 200 : 503, body: readiness };
    },

    // In the route table like every route, so the document says it is served, and served without a key.
    metrics: async () => ({ status: 200, body: await registry.metrics() }),
  });
  return router;
}
