// The HTTP control API under /__sandbox/ on the login host: the shared routes (seed, grants, revoke, stats,
// options, faults) and the environments' records, the provider's truth for the chaos suite and tests.
import { Router, type Request } from 'express';
import { z } from 'zod';
import { oneOf, parseBody, sharedControlRoutes } from '../common/control-routes';
import { FAULT_ARGUMENTS } from './faults';
import { optionChangeSchema } from './options';
import type { DynamicsEnvironmentHandle, DynamicsSandbox } from './handle';
import { ENTITY_SETS, type EntitySet } from './tables';

const valuesBody = z.record(z.string(), z.unknown());
const tieGroupSize = z.number().int().positive().optional();

const entitySetParam = (req: Request): EntitySet => oneOf(req, 'entitySet', ENTITY_SETS, 'entity set');

export function controlRoutes(sandbox: DynamicsSandbox): Router {
  /** `?environment=name` (default: the first environment). */
  const environmentOf = (req: Request): DynamicsEnvironmentHandle => sandbox.environment(typeof req.query.environment === 'string' ? req.query.environment : undefined);

  return sharedControlRoutes(sandbox, {
    objects: ENTITY_SETS,
    grantBody: z.strictObject({ environment: z.string().min(1).optional(), offlineAccess: z.boolean().optional() }),
    revokeField: 'grantIdOrToken',
    optionChange: optionChangeSchema,
    faultArguments: FAULT_ARGUMENTS,
    providerRoutes(router) {
      router.get('/environments', (_req, res) => {
        res.json({ tenantId: sandbox.tenantId, environments: sandbox.environments.map(({ name, url, apiUrl, organizationId }) => ({ name, url, apiUrl, organizationId })) });
      });
      router.post('/environments/:name/seed', (req, res) => {
        const body = parseBody(z.strictObject({ entitySet: z.enum(ENTITY_SETS as [EntitySet, ...EntitySet[]]), count: z.number().int().min(0).max(5_000_000), tieGroupSize }), req.body);
        const ids = sandbox.environment(String(req.params.name)).seed(body.entitySet, body.count, { tieGroupSize: body.tieGroupSize });
        res.status(201).json({ count: ids.length, ids });
      });
      router.get('/records/:entitySet', (req, res) => {
        res.json({ records: environmentOf(req).records(entitySetParam(req)) });
      });
      router.post('/records/:entitySet', (req, res) => {
        res.status(201).json(environmentOf(req).create(entitySetParam(req), parseBody(valuesBody, req.body)));
      });
      router.post('/records/:entitySet/update-many', (req, res) => {
        const body = parseBody(z.strictObject({ ids: z.array(z.string().min(1)).min(1), values: valuesBody, tieGroupSize }), req.body);
        res.json({ records: environmentOf(req).updateMany(entitySetParam(req), body.ids, body.values, { tieGroupSize: body.tieGroupSize }) });
      });
      router.post('/records/:entitySet/import', (req, res) => {
        const body = parseBody(z.strictObject({ count: z.number().int().min(1).max(1_000_000), tieGroupSize }), req.body);
        res.status(201).json({ ids: environmentOf(req).importNow(entitySetParam(req), body.count, { tieGroupSize: body.tieGroupSize }) });
      });
      router.patch('/records/:entitySet/:id', (req, res) => {
        res.json(environmentOf(req).update(entitySetParam(req), String(req.params.id), parseBody(valuesBody, req.body)));
      });
      router.delete('/records/:entitySet/:id', (req, res) => {
        environmentOf(req).delete(entitySetParam(req), String(req.params.id));
        res.status(204).end();
      });
      router.post('/change-tracking', (req, res) => {
        const body = parseBody(z.strictObject({ entitySet: z.enum(ENTITY_SETS as [EntitySet, ...EntitySet[]]), enabled: z.boolean() }), req.body);
        environmentOf(req).setChangeTracking(body.entitySet, body.enabled);
        res.status(204).end();
      });
      router.post('/advance-clock', (req, res) => {
        environmentOf(req).advanceClock(parseBody(z.strictObject({ ms: z.number().int().nonnegative() }), req.body).ms);
        res.status(204).end();
      });
      router.post('/expire-refresh-tokens', (_req, res) => {
        sandbox.expireRefreshTokens();
        res.status(204).end();
      });
    },
  });
}
