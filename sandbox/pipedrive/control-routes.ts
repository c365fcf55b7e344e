// The HTTP control API under /__sandbox/ on the OAuth host: what the handle can do, for the chaos suite, the dev
// demo and tests in other processes. Record routes take `?company=<domain>` (default: the first company).
import type { Request, Router } from 'express';
import { z } from 'zod';
import { oneOf, parseBody, seedBody, sharedControlRoutes } from '../common/control-routes';
import { controlError } from '../common/errors';
import { FAULT_ARGUMENTS } from './faults';
import { CUSTOM_FIELD_TYPES, OBJECTS, type PipedriveObject } from './fields';
import { optionChangeSchema } from './options';
import type { PipedriveSandbox } from './handle';

const valuesBody = z.record(z.string(), z.unknown());
const seedInCompanyBody = seedBody(OBJECTS);
const updateManyBody = z.strictObject({ ids: z.array(z.number().int().positive()).min(1), values: valuesBody });
const mergeBody = z.strictObject({ intoId: z.number().int().positive() });
const clockBody = z.strictObject({ ms: z.number().int().nonnegative() });
const fieldBody = z.strictObject({ name: z.string().min(1), type: z.enum(CUSTOM_FIELD_TYPES), options: z.array(z.string().min(1)).optional() });

const objectParam = (req: Request): PipedriveObject => oneOf(req, 'object', OBJECTS);

function idParam(req: Request): number {
  const id = Number(req.params.id);
  if (!Number.isInteger(id) || id < 1) throw controlError(400, 'id must be a positive integer', [{ field: 'id', message: 'positive integer' }]);
  return id;
}

/** `?company=` names the company; absent means the first. */
function companyParam(req: Request): { company?: string } {
  return typeof req.query.company === 'string' ? { company: req.query.company } : {};
}

export function controlRoutes(sandbox: PipedriveSandbox): Router {
  return sharedControlRoutes(sandbox, {
    objects: OBJECTS,
    grantBody: z.strictObject({ company: z.string().min(1).optional(), userId: z.number().int().positive().optional(), scopes: z.array(z.string().min(1)).optional() }),
    revokeField: 'grantIdOrToken',
    optionChange: optionChangeSchema,
    faultArguments: FAULT_ARGUMENTS,
    providerRoutes(records) {
      // In place of the shared seed: this one also takes `?company=`.
      records.post('/seed', (req, res) => {
        const body = parseBody(seedInCompanyBody, req.body);
        const ids = sandbox.seed(body.object, body.count, { tieGroupSize: body.tieGroupSize, ...companyParam(req) });
        res.status(201).json({ count: ids.length, ids });
      });
      records.get('/companies', (_req, res) => {
        res.json({ companies: sandbox.companies });
      });
      records.get('/records/:object', (req, res) => {
        res.json({ records: sandbox.records(objectParam(req), { includeDeleted: req.query.includeDeleted === 'true', ...companyParam(req) }) });
      });
      records.post('/records/:object', (req, res) => {
        res.status(201).json(sandbox.create(objectParam(req), parseBody(valuesBody, req.body), companyParam(req)));
      });
      records.post('/records/:object/update-many', (req, res) => {
        const body = parseBody(updateManyBody, req.body);
        res.json({ records: sandbox.updateMany(objectParam(req), body.ids, body.values, companyParam(req)) });
      });
      records.patch('/records/:object/:id', (req, res) => {
        res.json(sandbox.update(objectParam(req), idParam(req), parseBody(valuesBody, req.body), companyParam(req)));
      });
      records.delete('/records/:object/:id', (req, res) => {
        sandbox.delete(objectParam(req), idParam(req), companyParam(req));
        res.status(204).end();
      });
      records.post('/records/:object/:id/merge', (req, res) => {
        res.json(sandbox.merge(objectParam(req), idParam(req), parseBody(mergeBody, req.body).intoId, companyParam(req)));
      });
      records.get('/fields/:object', (req, res) => {
        res.json({ fields: sandbox.fields(objectParam(req), companyParam(req)) });
      });
      records.post('/fields/:object', (req, res) => {
        res.status(201).json(sandbox.addCustomField(objectParam(req), parseBody(fieldBody, req.body), companyParam(req)));
      });
      records.post('/purge-deleted', (req, res) => {
        sandbox.purgeDeleted(companyParam(req));
        res.status(204).end();
      });
      records.post('/advance-clock', (req, res) => {
        sandbox.advanceClock(parseBody(clockBody, req.body).ms);
        res.status(204).end();
      });
      records.get('/webhooks', (req, res) => {
        res.json({ webhooks: sandbox.webhooks(companyParam(req)) });
      });
      records.get('/webhook-stats', (_req, res) => {
        res.json(sandbox.webhookStats());
      });
    },
  });
}
