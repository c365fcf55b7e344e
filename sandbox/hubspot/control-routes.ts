// The HTTP control API under /__sandbox/: what the handle can do, for the dev demo and tests in other processes.
import type { Request, Router } from 'express';
import { z } from 'zod';
import { parseBody, sharedControlRoutes } from '../common/control-routes';
import { controlError } from '../common/errors';
import { FAULT_ARGUMENTS } from './faults';
import { optionsSchema } from './options';
import { OBJECTS, isObject, type HubSpotObject } from './properties';
import type { HubSpotSandbox } from './server';

const propertiesBody = z.strictObject({ properties: z.record(z.string(), z.unknown()) });

function objectParam(req: Request): HubSpotObject {
  const object = String(req.params.object);
  if (!isObject(object)) throw controlError(400, `unknown object ${object}`, [{ field: 'object', message: `must be one of ${OBJECTS.join(', ')}` }]);
  return object;
}

export function controlRoutes(sandbox: HubSpotSandbox): Router {
  return sharedControlRoutes(sandbox, {
    objects: OBJECTS,
    grantBody: z.strictObject({ scopes: z.array(z.string().min(1)).optional() }),
    revokeField: 'grantIdOrToken',
    optionChange: optionsSchema.omit({ port: true, host: true }),
    faultArguments: FAULT_ARGUMENTS,
    recordRoutes(router) {
      router.get('/records/:object', (req, res) => {
        res.json({ records: sandbox.records(objectParam(req), { includeArchived: req.query.includeArchived === 'true' }) });
      });
      router.post('/records/:object', (req, res) => {
        res.status(201).json(sandbox.create(objectParam(req), parseBody(propertiesBody, req.body).properties));
      });
      router.patch('/records/:object/:id', (req, res) => {
        res.json(sandbox.update(objectParam(req), String(req.params.id), parseBody(propertiesBody, req.body).properties));
      });
      router.delete('/records/:object/:id', (req, res) => {
        sandbox.archive(objectParam(req), String(req.params.id));
        res.status(204).end();
      });
    },
  });
}
