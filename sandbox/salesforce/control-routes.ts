// The HTTP control API under /__sandbox/: what the handle can do, for the dev demo and for tests in other processes.
import type { Request, Router } from 'express';
import { z } from 'zod';
import { parseBody, sharedControlRoutes } from '../common/control-routes';
import { controlError } from '../common/errors';
import { FAULT_ARGUMENTS } from './faults';
import { OBJECTS, canonicalObject, type SalesforceObject } from './fields';
import { optionsSchema } from './options';
import type { SalesforceSandbox } from './handle';

const fieldsBody = z.record(z.string(), z.unknown());

function objectParam(req: Request): SalesforceObject {
  const object = canonicalObject(String(req.params.object));
  if (!object) throw controlError(400, `unknown object ${String(req.params.object)}`, [{ field: 'object', message: `must be one of ${OBJECTS.join(', ')}` }]);
  return object;
}

export function controlRoutes(sandbox: SalesforceSandbox): Router {
  return sharedControlRoutes(sandbox, {
    objects: OBJECTS,
    grantBody: z.strictObject({ scope: z.string().min(1).optional() }),
    revokeField: 'grantIdOrRefreshToken',
    optionChange: optionsSchema.omit({ port: true, host: true }),
    faultArguments: FAULT_ARGUMENTS,
    providerRoutes(router) {
      router.get('/records/:object', (req, res) => {
        const includeDeleted = req.query.includeDeleted === 'true';
        res.json({ records: sandbox.records(objectParam(req), { includeDeleted }) });
      });
      router.post('/records/:object', (req, res) => {
        res.status(201).json(sandbox.create(objectParam(req), parseBody(fieldsBody, req.body)));
      });
      router.patch('/records/:object/:id', (req, res) => {
        res.json(sandbox.update(objectParam(req), String(req.params.id), parseBody(fieldsBody, req.body)));
      });
      router.post('/records/:object/:id/touch', (req, res) => {
        res.json(sandbox.touch(objectParam(req), String(req.params.id)));
      });
      router.delete('/records/:object/:id', (req, res) => {
        sandbox.delete(objectParam(req), String(req.params.id));
        res.status(204).end();
      });
      router.post('/purge-recycle-bin', (_req, res) => {
        sandbox.purgeRecycleBin();
        res.status(204).end();
      });
    },
  });
}
