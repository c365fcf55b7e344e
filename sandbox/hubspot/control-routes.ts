// The HTTP control API under /__sandbox/: what the handle can do, for the dev demo and tests in other processes.
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { controlError } from '../salesforce/errors';
import { fieldProblems } from '../salesforce/options';
import { FAULT_ARGUMENTS, type FaultName } from './faults';
import { optionsSchema } from './options';
import { OBJECTS, isObject, type HubSpotObject } from './properties';
import type { HubSpotSandbox } from './server';

const seedBody = z.strictObject({ object: z.enum(OBJECTS as [HubSpotObject, ...HubSpotObject[]]), count: z.number().int().min(0).max(5_000_000), tieGroupSize: z.number().int().positive().optional() });
const propertiesBody = z.strictObject({ properties: z.record(z.string(), z.unknown()) });
const grantBody = z.strictObject({ scopes: z.array(z.string().min(1)).optional() });
const revokeBody = z.strictObject({ grantIdOrToken: z.string().min(1) });

function parse<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw controlError(400, 'invalid request body', fieldProblems(parsed.error));
  return parsed.data;
}

function objectParam(req: Request): HubSpotObject {
  const object = String(req.params.object);
  if (!isObject(object)) throw controlError(400, `unknown object ${object}`, [{ field: 'object', message: `must be one of ${OBJECTS.join(', ')}` }]);
  return object;
}

function faultName(raw: string): FaultName {
  const name = raw.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  if (!(name in FAULT_ARGUMENTS)) throw controlError(404, `unknown fault ${raw}`, [{ field: 'name', message: `must be one of ${Object.keys(FAULT_ARGUMENTS).join(', ')}` }]);
  return name as FaultName;
}

export function controlRoutes(sandbox: HubSpotSandbox): Router {
  const router = Router();
  router.use(express.json({ limit: '10mb' }));

  router.post('/seed', (req, res) => {
    const body = parse(seedBody, req.body);
    const ids = sandbox.seed(body.object, body.count, { tieGroupSize: body.tieGroupSize });
    res.status(201).json({ count: ids.length, ids });
  });
  router.get('/records/:object', (req, res) => {
    res.json({ records: sandbox.records(objectParam(req), { includeArchived: req.query.includeArchived === 'true' }) });
  });
  router.post('/records/:object', (req, res) => {
    res.status(201).json(sandbox.create(objectParam(req), parse(propertiesBody, req.body).properties));
  });
  router.patch('/records/:object/:id', (req, res) => {
    res.json(sandbox.update(objectParam(req), String(req.params.id), parse(propertiesBody, req.body).properties));
  });
  router.delete('/records/:object/:id', (req, res) => {
    sandbox.archive(objectParam(req), String(req.params.id));
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
    sandbox.revokeGrant(parse(revokeBody, req.body).grantIdOrToken);
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
    sandbox.setOptions(parse(optionsSchema.omit({ port: true, host: true }), req.body));
    res.status(204).end();
  });
  router.get('/faults', (_req, res) => {
    res.json({ active: sandbox.faults.active() });
  });
  router.post('/faults/:name', (req, res) => {
    sandbox.faults.set(faultName(String(req.params.name)), req.body);
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
