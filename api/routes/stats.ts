// /stats/overview: the console's first page, answered from the connection directory and small summaries.
import { Router } from 'express';
import type { Store } from '../../store/store';
import type { ConnectionDirectory } from '../console/connection-directory';
import { overviewOf } from '../console/overview';
import type { RunStatistics } from '../console/run-statistics';
import { implement } from '../openapi-implement';

export function statsRoutes(deps: { directory: ConnectionDirectory; statistics: RunStatistics; store: Store }): Router {
  const router = Router();
  implement(router, {
    getOverview: async ({ query }) => ({ status: 200, body: await overviewOf(deps, query.hours) }),
  });
  return router;
}
