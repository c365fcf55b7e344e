// The HTTP control API under /__sandbox/: what the handle can do, for the dev demo and for tests in other processes.
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { controlError } from './errors';
import { FAULT_ARGUMENTS, type FaultName } from './faults';
import { OBJECTS, canonicalObject, type SalesforceObject } from './fields';
import { fieldProblems, optionsSchema } from './options';
import type { SalesforceSandbox } from './server';

const objectSchema = z.enum(OBJECTS as [SalesforceObject, ...SalesforceObject[]]);
const seedBody = z.strictObject({ object: objectSchema, count: z.number().int().min(0).max(5_000_000), tieGroupSize: z.number().int().positive().optional() });
const fieldsBody = z.record(z.string(), z.unknown());
const grantBody = z.strictObject({ scope: z.string().min(1).optional() });
const revokeBody = z.strictObject({ grantIdOrRefreshToken: z.string().min(1) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw controlError(400, 'invalid request body', fieldProblems(parsed.error));
  return parsed.data;
}

function objectParam(req: Request): SalesforceObject {
  const object = canonicalObject(String(req.params.object));
  if (!object) throw controlError(400, `unknown object ${String(req.params.object)}`, [{ field: 'object', message: `must be one of ${OBJECTS.join(', ')}` }]);
  return object;
}

/** `expire-query-locators` and `expireQueryLocators` both name the same knob. */
function faultName(raw: string): FaultName {
  const name = raw.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  if (!(name in FAULT_ARGUMENTS)) throw controlError(404, `unknown fault ${raw}`, [{ field: 'name', message: `must be one of ${Object.keys(FAULT_ARGUMENTS).join(', ')}` }]);
  return name as FaultName;
}

export function controlRoutes(sandbox: SalesforceSandbox): Router {
  const router = Router();
  router.use(express.json({ limit: '10mb' }));

  router.post('/seed', (req, res) => {
    const body = parse(seedBody, req.body);
    const ids = sandbox.seed(body.object, body.count, { tieGroupSize: body.tieGroupSize });
    res.status(201).json({ count: ids.length, ids });
  });

  router.get('/records/:object', (req, res) => {
    const includeDeleted = req.query.includeDeleted === 'true';
    res.json({ records: sandbox.records(objectParam(req), { includeDeleted }) });
  });
  router.post('/records/:object', (req, res) => {
    res.status(201).json(sandbox.create(objectParam(req), parse(fieldsBody, req.body)));
  });
  router.patch('/records/:object/:id', (req, res) => {
    res.json(sandbox.update(objectParam(req), String(req.params.id), parse(fieldsBody, req.body)));
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

  router.post('/grants', (req, res) => {
    res.status(201).json(sandbox.issueGrant(parse(grantBody, req.body)));
  });
  router.post('/expire-sessions', (_req, res) => {
    sandbox.expireSessions();
    res.status(204).end();
  });
  router.post('/revoke', (req, res) => {
    sandbox.revokeGrant(parse(revokeBody, req.body).grantIdOrRefreshToken);
    res.status(204).end();
  });

  router.get('/stats', (_req, res) => {
    res.json(sandbox.stats());
  });
  router.post('/stats/reset', (_req, res) => {
    sandbox.resetStats();
    res.status(204).end();
  });

  router.post('/options', (req, res) => {
    const options = parse(optionsSchema.omit({ port: true, host: true }), req.body);
    sandbox.setOptions(options);
    res.status(204).end();
  });

  router.get('/faults', (_req, res) => {
    res.json({ active: sandbox.faults.active() });
  });
  router.post('/faults/:name', (req, res) => {
    const name = faultName(String(req.params.name));
    // Arguments are checked by the same schema the handle uses; a bad field comes back as a 400 naming it.
    sandbox.faults.set(name, req.body);
    res.status(204).end();
  });
  router.delete('/faults', (_req, res) => {
    sandbox.faults.clear();
    res.status(204).end();
  });

  router.use(() => {
    throw controlError(404, 'no such control route');
  });
  return router;
}
