// /connections/:connectionId/actions: run a write with an Idempotency-Key, read an action's outcome by id, list them.
import { Router } from 'express';
import type { Store } from '../../store/store';
import { implement } from '../openapi-implement';
import type { ActionUseCases, ActionView } from '../use-cases/actions';

export function actionRoutes(actions: ActionUseCases, store: Store): Router {
  const router = Router();
  implement(router, {
    listActions: async ({ params: { connectionId }, query }) => {
      const connection = await store.connections.get(connectionId);
      const list = await store.actions.listForConnection(connection, query.limit);
      return {
        status: 200,
        body: {
          actions: list.map(({ actionId, name, status, createdAt, finishedAt, error, output }) => ({ actionId, name, status, startedAt: createdAt, finishedAt, error, output })),
        },
      };
    },

    // The key is read by the use case, which says what it is for when it is missing.
    runAction: async ({ params, headers, body }) => {
      const ran = await actions.run(params.connectionId, params.action, headerValue(headers['idempotency-key']), body);
      const answer = onTheWire(ran.body);
      // One schema for the three: the action's state says which status it is.
      if (ran.status === 200) return { status: 200, body: answer };
      if (ran.status === 202) return { status: 202, body: answer };
      return { status: 422, body: answer };
    },
    getAction: async ({ params }) => ({ status: 200, body: onTheWire(await actions.describe(params.connectionId, params.action)) }),
  });
  return router;
}

/** The documented ActionResult: its times as the ISO strings JSON always made of them. */
function onTheWire(view: ActionView) {
  return { ...view, createdAt: view.createdAt.toISOString(), finishedAt: view.finishedAt?.toISOString() ?? null };
}

function headerValue(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}
