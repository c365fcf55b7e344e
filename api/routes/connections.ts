// /connections: connect a customer account, see its status and run history, ask it to sync now.
import { Router } from 'express';
import type { Store } from '../../store/store';
import { toRunView, type ConnectionUseCases } from '../use-cases/connections';
import { connectionIdParams, createConnectionBody, listConnectionsQuery, runsQuery, syncRequestBody } from '../schemas';
import { parseInput } from '../validation';

export function connectionRoutes(connections: ConnectionUseCases, store: Store): Router {
  const router = Router();

  router.post('/connections', async (req, res) => {
    const body = parseInput(createConnectionBody, req.body, 'body');
    res.status(201).json(await connections.create(body));
  });

  router.get('/connections', async (req, res) => {
    const query = parseInput(listConnectionsQuery, req.query, 'query');
    res.json({ connections: await connections.list({ integration: query.integration, status: query.status }, query.limit) });
  });

  router.get('/connections/:connectionId', async (req, res) => {
    const { connectionId } = parseInput(connectionIdParams, req.params, 'params');
    res.json(await connections.describe(connectionId));
  });

  router.post('/connections/:connectionId/sync', async (req, res) => {
    const { connectionId } = parseInput(connectionIdParams, req.params, 'params');
    const body = parseInput(syncRequestBody, req.body, 'body');
    res.status(202).json({ accepted: true, ...(await connections.requestSync(connectionId, body)) });
  });

  router.get('/connections/:connectionId/runs', async (req, res) => {
    const { connectionId } = parseInput(connectionIdParams, req.params, 'params');
    const query = parseInput(runsQuery, req.query, 'query');
    await store.connections.get(connectionId);
    const runs = await store.runs.list(connectionId, {
      model: query.model,
      before: query.before ? new Date(query.before) : undefined,
      limit: query.limit,
    });
    const last = runs.at(-1);
    res.json({ runs: runs.map(toRunView), nextBefore: runs.length === query.limit && last ? last.startedAt.toISOString() : null });
  });

  router.get('/connections/:connectionId/webhook-deliveries', async (req, res) => {
    const { connectionId } = parseInput(connectionIdParams, req.params, 'params');
    await store.connections.get(connectionId);
    res.json({ deliveries: await store.webhookDeliveries.forConnection(connectionId, 100) });
  });

  return router;
}
