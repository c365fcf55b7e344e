// /connections: connect a customer account, list and see them, their run history and timelines, ask one to sync now,
// send a webhook again, delete one.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { Store } from '../../store/store';
import type { LogEventDocument } from '../../store/event-log';
import { implement } from '../openapi-implement';
import { toRunView, type ConnectionUseCases } from '../use-cases/connections';

export function connectionRoutes(connections: ConnectionUseCases, store: Store): Router {
  const router = Router();
  implement(router, {
    createConnection: async ({ body, principal }) => ({
      status: 201,
      body: await connections.create({ ...body, connectInputs: { values: body.connectInputs ?? {}, checked: false } }, principal?.keyName),
    }),

    listConnections: async ({ query }) => {
      const { cursor, limit, failing, ...filter } = query;
      const page = await connections.listPage({ ...filter, ...(failing === undefined ? {} : { failing: failing === 'true' }) }, cursor, limit);
      return { status: 200, body: page };
    },

    getConnection: async ({ params }) => ({ status: 200, body: await connections.describe(params.connectionId) }),

    updateConnection: async ({ params, body, principal }) => ({ status: 200, body: await connections.update(params.connectionId, body, principal?.keyName) }),

    deleteConnection: async ({ params, principal }) => ({ status: 200, body: await connections.delete(params.connectionId, principal?.keyName) }),

    requestSync: async ({ params, body, principal }) => ({
      status: 202,
      body: { accepted: true, ...(await connections.requestSync(params.connectionId, body, principal?.keyName)) },
    }),

    // Runs of the connection's current life only: a deleted life's late writes never show (see ConnectionLife).
    getRun: async ({ params: { connectionId, runId } }) => {
      const connection = await store.connections.get(connectionId);
      const run = await store.runs.findOfLife(runId, connection);
      if (!run) throw AppError.notFound('sync run', runId);
      return { status: 200, body: { ...toRunView(run), log: run.log ?? [] } };
    },

    listRunEvents: async ({ params: { connectionId, runId }, query }) => {
      const connection = await store.connections.get(connectionId);
      // The run first: events it still carries (its last slice's) are then either there or, moved since, in the log.
      const run = await store.runs.findOfLife(runId, connection);
      if (!run) throw AppError.notFound('sync run', runId);
      const stored = await store.events.forRun(runId, query.after, query.limit);
      const byId = new Map<string, LogEventDocument>();
      for (const event of [...stored, ...(run.pendingEvents ?? [])]) if (event.seq > query.after) byId.set(event._id, event);
      const events = [...byId.values()].sort((a, b) => a.seq - b.seq).slice(0, query.limit);
      return {
        status: 200,
        body: {
          run: toRunView(run),
          events: events.map(({ seq, at, level, kind, message, data }) => ({ seq, at, level, kind, message, data })),
          nextAfter: events.at(-1)?.seq ?? query.after,
        },
      };
    },

    listRuns: async ({ params: { connectionId }, query }) => {
      const connection = await store.connections.get(connectionId);
      const runs = await store.runs.list(connection, {
        model: query.model,
        before: query.before ? new Date(query.before) : undefined,
        limit: query.limit,
      });
      const last = runs.at(-1);
      return {
        status: 200,
        body: { runs: runs.map(toRunView), nextBefore: runs.length === query.limit && last ? last.startedAt.toISOString() : null },
      };
    },

    listWebhookDeliveries: async ({ params: { connectionId } }) => {
      const connection = await store.connections.get(connectionId);
      return { status: 200, body: { deliveries: await store.webhookDeliveries.forConnection(connection, 100) } };
    },

    redeliverWebhook: async ({ params: { connectionId, eventId }, principal }) => ({
      status: 202,
      body: await connections.redeliver(connectionId, eventId, principal?.keyName),
    }),
  });
  return router;
}
