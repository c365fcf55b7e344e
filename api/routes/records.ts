// /records: the changes feed; follow nextCursor to receive every change exactly once, in change order.
import { Router } from 'express';
import { encodeCursor, readCursor } from '../../contracts/change-cursor';
import { AppError } from '../../errors/app-error';
import type { RecordAction } from '../../store/records';
import type { Store } from '../../store/store';
import { implement } from '../openapi-implement';

export function recordRoutes(store: Store): Router {
  const router = Router();
  implement(router, {
    listRecords: async ({ query }) => {
      const connection = await store.connections.get(query.connectionId);
      if (!Object.hasOwn(connection.syncs, query.model)) {
        throw AppError.invalid('query.model', `connection "${query.connectionId}" does not sync "${query.model}"`);
      }
      const feed = { connectionId: query.connectionId, model: query.model, incarnation: connection.incarnation };
      const reading = query.cursor === undefined ? { seq: 0 } : readCursor(query.cursor, feed);
      if ('problem' in reading) throw AppError.invalid('query.cursor', reading.problem);
      const afterSeq = reading.seq;

      const { records, readThrough, visibleSeq } = await store.records.readChanges({
        ...feed,
        afterSeq,
        limit: query.limit,
        actions: query.filter ? (query.filter.split(',') as RecordAction[]) : undefined,
        modifiedAfter: query.modifiedAfter ? new Date(query.modifiedAfter) : undefined,
      });
      // Resume after everything this page accounted for, which may be past its last record (filtered or empty stretches).
      const nextSeq = readThrough;
      return {
        status: 200,
        body: {
          records: records.map((r) => ({
            id: r.externalId,
            action: r.lastAction,
            data: r.data,
            firstSeenAt: r.firstSeenAt,
            lastModifiedAt: r.lastModifiedAt,
            deletedAt: r.deletedAt,
            cursor: encodeCursor(r.changeSeq, feed),
          })),
          nextCursor: encodeCursor(nextSeq, feed),
          hasMore: readThrough < visibleSeq,
        },
      };
    },
  });
  return router;
}
