// /logs: one searchable stream of what runs, actions, webhook deliveries and connections did, newest first.
import { Router } from 'express';
import type { Store } from '../../store/store';
import { implement } from '../openapi-implement';

const WINDOW_MS = { '1h': 3_600_000, '24h': 86_400_000, '7d': 7 * 86_400_000 } as const;

export function logRoutes(store: Store): Router {
  const router = Router();
  implement(router, {
    searchLogs: async ({ query }) => {
      const until = query.until ? new Date(query.until) : new Date();
      // At most a week back from `until` (the hour buckets a search reads); a `since` after `until` finds nothing.
      const since = new Date(Math.max(query.since ? Date.parse(query.since) : until.getTime() - WINDOW_MS[query.window], until.getTime() - WINDOW_MS['7d']));
      const { events, more } = await store.events.search({
        connectionId: query.connectionId,
        integration: query.integration,
        model: query.model,
        level: query.level,
        kind: query.kind,
        since,
        until,
        q: query.q,
        before: query.cursor === undefined ? undefined : decodeLogCursor(query.cursor),
        limit: query.limit,
      });
      const last = events.at(-1);
      return {
        status: 200,
        body: {
          events: events.map(({ seq, at, level, kind, source, connectionId, integration, model, runId, actionId, eventId, message, data }) => ({
            seq,
            at,
            level,
            kind,
            source,
            connectionId,
            integration,
            model,
            runId,
            actionId,
            eventId,
            message,
            data,
          })),
          nextCursor: more && last ? `${last.seq}.${Buffer.from(last._id).toString('base64url')}` : null,
        },
      };
    },
  });
  return router;
}

/** The schema admits only `<seq>.<base64url id>` (`query.cursor`), so any cursor that got here reads. */
function decodeLogCursor(cursor: string): { seq: number; id: string } {
  const dot = cursor.indexOf('.');
  return { seq: Number(cursor.slice(0, dot)), id: Buffer.from(cursor.slice(dot + 1), 'base64url').toString('utf8') };
}
