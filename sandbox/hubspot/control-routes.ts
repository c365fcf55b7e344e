// The HTTP control API under /__sandbox/: what the handle can do, for the dev demo and tests in other processes.
import type { Request, Router } from 'express';
import { z } from 'zod';
import { oneOf, parseBody, sharedControlRoutes } from '../common/control-routes';
import { FAULT_ARGUMENTS } from './faults';
import { optionsSchema } from './options';
import { OBJECTS, type HubSpotObject } from './properties';
import type { HubSpotSandbox } from './handle';

const propertiesBody = z.strictObject({ properties: z.record(z.string(), z.unknown()) });

const objectParam = (req: Request): HubSpotObject => oneOf(req, 'object', OBJECTS);

export function controlRoutes(sandbox: HubSpotSandbox): Router {
  return sharedControlRoutes(sandbox, {
    objects: OBJECTS,
    grantBody: z.strictObject({ scopes: z.array(z.string().min(1)).optional() }),
    revokeField: 'grantIdOrToken',
    optionChange: optionsSchema.omit({ port: true, host: true }),
    faultArguments: FAULT_ARGUMENTS,
    providerRoutes(router) {
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
