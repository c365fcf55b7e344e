// The HTTP control API under /__sandbox/ that every sandbox offers: seeding, grants, stats, options and fault knobs.
// Each provider's own routes (records, tenants, clocks) are mounted first, so a provider may also extend a shared one.
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import { controlError, fieldProblems } from './errors';

/** What the shared routes call on a sandbox handle. */
export interface ControlledSandbox<ObjectName extends string, GrantRequest, OptionChange> {
  /** The new records' ids (strings or, as Pipedrive's, numbers). */
  seed(object: ObjectName, count: number, opts?: { tieGroupSize?: number }): readonly (string | number)[];
  issueGrant(opts?: GrantRequest): unknown;
  expireSessions(): void;
  revokeGrant(grantIdOrToken: string): void;
  stats(): unknown;
  resetStats(): void;
  setOptions(partial: OptionChange): void;
  faults: { set(name: string, args: unknown): void; active(): string[]; clear(): void };
}

/** Where the providers' control APIs differ in what they accept. */
export interface ProviderControlApi<ObjectName extends string, GrantRequest, OptionChange> {
  objects: readonly ObjectName[];
  grantBody: z.ZodType<GrantRequest>;
  /** The field of the revoke body naming the grant or token (each provider says which tokens it takes). */
  revokeField: string;
  /** The options a running sandbox may change (not where it listens). */
  optionChange: z.ZodType<OptionChange>;
  /** The provider's fault knobs by name (their argument schemas): `POST /faults/:name` must name one. */
  faultArguments: object;
  /**
   * The provider's own routes, mounted on the same router (JSON bodies already parsed) before the shared ones: a
   * provider route on a shared path (a `/seed` that also takes `?company=`) answers in its place.
   */
  providerRoutes(router: Router): void;
}

/** Parses a control request body; a problem is a 400 naming the field. */
export function parseBody<T>(schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value ?? {});
  if (!parsed.success) throw controlError(400, 'invalid request body', fieldProblems(parsed.error));
  return parsed.data;
}

/** What `/seed` takes, for a provider extending it: an object of the provider's, how many, and tie groups. */
export function seedBody<ObjectName extends string>(objects: readonly ObjectName[]) {
  return z.strictObject({
    object: z.enum(objects as [ObjectName, ...ObjectName[]]),
    count: z.number().int().min(0).max(5_000_000),
    tieGroupSize: z.number().int().positive().optional(),
  });
}

/** A path parameter that must name one of `allowed` (an object, a module); anything else is a 400 naming it. */
export function oneOf<Name extends string>(req: Request, param: string, allowed: readonly Name[], what = param): Name {
  const value = String(req.params[param]);
  if (!(allowed as readonly string[]).includes(value)) throw controlError(400, `unknown ${what} ${value}`, [{ field: param, message: `must be one of ${allowed.join(', ')}` }]);
  return value as Name;
}

/** `expire-query-locators` and `expireQueryLocators` both name the same knob. */
function faultName(raw: string, faultArguments: object): string {
  const name = raw.replace(/-([a-z])/g, (_match, letter: string) => letter.toUpperCase());
  if (!(name in faultArguments)) throw controlError(404, `unknown fault ${raw}`, [{ field: 'name', message: `must be one of ${Object.keys(faultArguments).join(', ')}` }]);
  return name;
}

export function sharedControlRoutes<ObjectName extends string, GrantRequest, OptionChange>(
  sandbox: ControlledSandbox<ObjectName, GrantRequest, OptionChange>,
  provider: ProviderControlApi<ObjectName, GrantRequest, OptionChange>,
): Router {
  const seed = seedBody(provider.objects);
  const revokeBody = z.strictObject({ [provider.revokeField]: z.string().min(1) });

  const router = Router();
  router.use(express.json({ limit: '10mb' }));

  provider.providerRoutes(router);

  router.post('/seed', (req, res) => {
    const body = parseBody(seed, req.body);
    const ids = sandbox.seed(body.object, body.count, { tieGroupSize: body.tieGroupSize });
    res.status(201).json({ count: ids.length, ids });
  });

  router.post('/grants', (req, res) => {
    res.status(201).json(sandbox.issueGrant(parseBody(provider.grantBody, req.body)));
  });
  router.post('/expire-sessions', (_req, res) => {
    sandbox.expireSessions();
    res.status(204).end();
  });
  router.post('/revoke', (req, res) => {
    sandbox.revokeGrant(parseBody(revokeBody, req.body)[provider.revokeField]);
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
    sandbox.setOptions(parseBody(provider.optionChange, req.body));
    res.status(204).end();
  });

  router.get('/faults', (_req, res) => {
    res.json({ active: sandbox.faults.active() });
  });
  router.post('/faults/:name', (req, res) => {
    const name = faultName(String(req.params.name), provider.faultArguments);
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
