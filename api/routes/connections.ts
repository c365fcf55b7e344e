// /connections: connect a customer account, see its status and run history, ask it to sync now, delete it.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { Store } from '../../store/store';
import { implement } from '../openapi-implement';
import { toRunView, type ConnectionUseCases } from '../use-cases/connections';

export function connectionRoutes(connections: ConnectionUseCases, store: Store): Router {
  const router = Router();
  implement(router, {
    createConnection: async ({ body }) => ({ status: 201, body: await connections.create(body) }),

    listConnections: async ({ query }) => ({
      status: 200,
      body: { connections: (await connections.list({ integration: query.integration, status: query.status }, query.limit)) },
    }),

    getConnection: async ({ params }) => ({ status: 200, body: await connections.describe(params.connectionId) }),

    updateConnection: async ({ params, body }) => ({ status: 200, body: await connections.update(params.connectionId, body) }),

    deleteConnection: async ({ params }) => ({ status: 200, body: await connections.delete(params.connectionId) }),

    requestSync: async ({ params, body }) => ({
      status: 202,
      body: { accepted: true, ...(await connections.requestSync(params.connectionId, body)) },
    }),

    // Runs of the connection's current life only: a deleted life's late writes never show (see ConnectionLife).
    getRun: async ({ params: { connectionId, runId } }) => {
      const connection = await store.connections.get(connectionId);
      const run = await store.runs.findOfLife(runId, connection);
      if (!run) throw AppError.notFound('sync run', runId);
      return { status: 200, body: { ...toRunView(run), log: run.log ?? [] } };
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
  });
  return router;
}
