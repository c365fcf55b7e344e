// /records: the changes feed; follow nextCursor to receive every change exactly once, in change order.
import { Router } from 'express';
import { implement } from '../openapi-implement';
import type { RecordsUseCases } from '../use-cases/records';

export function recordRoutes(records: RecordsUseCases): Router {
  const router = Router();
  implement(router, {
    listRecords: async ({ query }) => ({ status: 200, body: await records.readPage(query) }),
  });
  return router;
}
