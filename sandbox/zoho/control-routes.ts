// The HTTP control API under /__sandbox/ on the first data centre's accounts server: the shared routes (seed, grants,
// revoke, stats, options, faults) and each org's records and deletes, the provider's truth for the chaos suite.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { oneOf, parseBody, sharedControlRoutes } from '../common/control-routes';
import { FAULT_ARGUMENTS } from './faults';
import { MODULES, type ModuleName } from './modules';
import { optionChangeSchema } from './options';
import type { ZohoOrgHandle, ZohoSandbox } from './handle';

const valuesBody = z.record(z.string(), z.unknown());
const tieGroupSize = z.number().int().positive().optional();
const moduleEnum = z.enum(MODULES as [ModuleName, ...ModuleName[]]);

const moduleParam = (req: Request): ModuleName => oneOf(req, 'module', MODULES);

export function controlRoutes(sandbox: ZohoSandbox): Router {
  /** `?org=name` (default: the first org). */
  const orgOf = (req: Request): ZohoOrgHandle => sandbox.org(typeof req.query.org === 'string' ? req.query.org : undefined);

  return sharedControlRoutes(sandbox, {
    objects: MODULES,
    grantBody: z.strictObject({ org: z.string().min(1).optional(), scopes: z.array(z.string().min(1)).min(1).optional() }),
    revokeField: 'token',
    optionChange: optionChangeSchema,
    faultArguments: FAULT_ARGUMENTS,
    providerRoutes(router) {
      router.get('/data-centres', (_req, res) => {
        res.json({ dataCentres: sandbox.dataCentres.map(({ location, accountsUrl, apiUrl }) => ({ location, accountsUrl, apiUrl })) });
      });
      router.get('/orgs', (_req, res) => {
        res.json({ orgs: sandbox.orgs.map(({ name, location, orgId, userId, email, accountsServer, apiDomain, utcOffsetMinutes }) => ({ name, location, orgId, userId, email, accountsServer, apiDomain, utcOffsetMinutes })) });
      });
      router.post('/orgs/:name/seed', (req, res) => {
        const body = parseBody(z.strictObject({ module: moduleEnum, count: z.number().int().min(0).max(5_000_000), tieGroupSize }), req.body);
        const ids = sandbox.org(String(req.params.name)).seed(body.module, body.count, { tieGroupSize: body.tieGroupSize });
        res.status(201).json({ count: ids.length, ids });
      });
      router.get('/records/:module', (req, res) => {
        res.json({ records: orgOf(req).records(moduleParam(req)) });
      });
      router.post('/records/:module', (req, res) => {
        res.status(201).json(orgOf(req).create(moduleParam(req), parseBody(valuesBody, req.body)));
      });
      router.post('/records/:module/update-many', (req, res) => {
        const body = parseBody(z.strictObject({ ids: z.array(z.string().min(1)).min(1), values: valuesBody, tieGroupSize }), req.body);
        res.json({ records: orgOf(req).updateMany(moduleParam(req), body.ids, body.values, { tieGroupSize: body.tieGroupSize }) });
      });
      router.post('/records/:module/import', (req, res) => {
        const body = parseBody(z.strictObject({ count: z.number().int().min(1).max(1_000_000), tieGroupSize }), req.body);
        res.status(201).json({ ids: orgOf(req).importNow(moduleParam(req), body.count, { tieGroupSize: body.tieGroupSize }) });
      });
      router.patch('/records/:module/:id', (req, res) => {
        res.json(orgOf(req).update(moduleParam(req), String(req.params.id), parseBody(valuesBody, req.body)));
      });
      router.delete('/records/:module/:id', (req, res) => {
        orgOf(req).delete(moduleParam(req), String(req.params.id), { permanent: req.query.permanent === 'true' });
        res.status(204).end();
      });
      router.get('/deleted/:module', (req, res) => {
        res.json({ deleted: orgOf(req).deleted(moduleParam(req)) });
      });
      router.post('/empty-recycle-bin', (req, res) => {
        const body = parseBody(z.strictObject({ module: moduleEnum }), req.body);
        res.json({ purged: orgOf(req).emptyRecycleBin(body.module) });
      });
      router.post('/advance-clock', (req, res) => {
        orgOf(req).advanceClock(parseBody(z.strictObject({ ms: z.number().int().nonnegative() }), req.body).ms);
        res.status(204).end();
      });
      router.get('/tokens', (req, res) => {
        res.json(orgOf(req).tokens());
      });
      router.get('/notification-stats', (_req, res) => {
        res.json(sandbox.notificationStats());
      });
    },
  });
}
