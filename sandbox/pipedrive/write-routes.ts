// Writes through the v2 API: `POST` creates a person or organization (`{success, data}`), `PATCH` changes only
// what it names, `DELETE` soft-deletes. No idempotency key and no duplicate check: callers search before creating.
import { Router } from 'express';
import { RecordMissing, WriteRefused } from './company';
import type { CompanyHost, SandboxContext } from './context';
import { apiError, notFound } from './errors';
import { objectOf, pathId } from './query-params';

/** The company's refusals in the API's words. */
function asApiError(error: unknown): unknown {
  if (error instanceof WriteRefused) return apiError(400, `Validation failed: ${error.message}`);
  if (error instanceof RecordMissing) return notFound(error.object === 'persons' ? 'Person' : 'Organization');
  return error;
}

export function writeRoutes(context: SandboxContext, host: CompanyHost): Router {
  const router = Router();
  const { company } = host;
  const origin = (userId: number) => ({ source: 'api' as const, userId });

  router.post('/api/v2/:object', (req, res) => {
    const object = objectOf(req);
    try {
      const record = company.create(object, req.body, origin(res.locals.grant.userId as number));
      res.status(context.options.createStatus).json({ success: true, data: company.item(record) });
    } catch (error) {
      throw asApiError(error);
    }
  });

  router.patch('/api/v2/:object/:id', (req, res) => {
    const object = objectOf(req);
    try {
      const record = company.update(object, pathId(String(req.params.id)), req.body, origin(res.locals.grant.userId as number));
      res.json({ success: true, data: company.item(record) });
    } catch (error) {
      throw asApiError(error);
    }
  });

  router.delete('/api/v2/:object/:id', (req, res) => {
    const object = objectOf(req);
    const id = pathId(String(req.params.id));
    try {
      company.delete(object, id, origin(res.locals.grant.userId as number));
      res.json({ success: true, data: { id } });
    } catch (error) {
      throw asApiError(error);
    }
  });

  return router;
}
