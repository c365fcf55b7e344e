// /records: the changes feed; follow nextCursor to receive every change exactly once, in change order. And
// /record-history: one record as stored, and its changes.
import { Router } from 'express';
import { implement } from '../openapi-implement';
import type { RecordsUseCases } from '../use-cases/records';

export function recordRoutes(records: RecordsUseCases): Router {
  const router = Router();
  implement(router, {
    listRecords: async ({ query }) => ({ status: 200, body: await records.readPage(query) }),

    getRecordHistory: async ({ query }) => ({ status: 200, body: await records.history(query) }),
  });
  return router;
}
