// The HTTP app of one environment (its own listener, as each org has its own host): bearer tokens checked against
// the environment's audience, service protection per user, the data fault knobs, then the Web API routes.
import express, { type NextFunction, type Request, type Response } from 'express';
import { bareApp, errorHandler } from '../common/http-server';
import { onlyFor, tagRequests, type RequestTag } from '../common/request-tags';
import type { SandboxContext } from './context';
import { dataRoutes } from './data-routes';
import type { Environment } from './environment';
import { SandboxHttpError, dataverseError, odataError } from './errors';
import { API_PATH, parseTarget } from './web-api-paths';
import { writeRoutes } from './write-routes';

/** Tells requests apart once, for the stats and the fault middleware. */
function classify(req: Request): RequestTag {
  const match = API_PATH.exec(req.path);
  if (!match) return { area: 'other', kind: 'other' };
  let target;
  try {
    target = parseTarget(match[2] ?? '');
  } catch {
    return { area: 'data', kind: 'other' };
  }
  if (target.kind === 'whoami') return { area: 'data', kind: 'whoami' };
  if (target.kind === 'metadata') return { area: 'data', kind: 'metadata' };
  if (target.kind === 'collection') {
    if (req.method === 'POST') return { area: 'data', kind: 'create' };
    if (req.method !== 'GET') return { area: 'data', kind: 'other' };
    if (req.query.$skiptoken !== undefined) return { area: 'data', kind: 'nextPage' };
    return { area: 'data', kind: req.query.$deltatoken !== undefined ? 'delta' : 'list' };
  }
  if (target.kind === 'row') return { area: 'data', kind: req.method === 'GET' ? 'read' : req.method === 'PATCH' ? 'update' : req.method === 'DELETE' ? 'delete' : 'other' };
  return { area: 'data', kind: 'other' };
}

function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match ? match[1] : null;
}

/** Dataverse's 401: no body, a challenge naming the tenant's authority and this environment as the resource. */
export function unauthorized(context: SandboxContext, environment: Environment): SandboxHttpError {
  return new SandboxHttpError(401, undefined, 'unauthorized', {
    'WWW-Authenticate': `Bearer authorization_uri=${context.loginUrl()}/${context.sessions.user.tenantId}/oauth2/authorize, resource_id=${environment.url}/`,
  });
}

export function environmentApp(context: SandboxContext, environment: Environment): express.Express {
  const app = bareApp();
  app.use(tagRequests(classify, context.stats, environment.name));
  app.use((_req, res, next) => {
    res.set('OData-Version', '4.0');
    if (res.locals.area === 'data') res.type('application/json; odata.metadata=minimal');
    next();
  });
  app.use(context.faults.holdReadsMiddleware());
  app.use('/api/data', express.json({ limit: '10mb', type: ['application/json', 'application/*+json'] }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (res.locals.area !== 'data') return next();
    const outcome = context.sessions.authenticate(bearerToken(req), environment.url);
    if (!outcome.ok) return next(unauthorized(context, environment));
    res.locals.userKey = `${environment.name}:${context.sessions.user.objectId}`;
    next();
  });
  app.use(onlyFor('data', context.faults.middleware()));
  app.use(onlyFor('data', context.faults.failNextRequestsMiddleware()));
  app.use((_req: Request, res: Response, next: NextFunction) => {
    if (res.locals.area !== 'data') return next();
    const userKey = res.locals.userKey as string;
    const { refusal, finished } = context.serviceProtection.admit(userKey, environment.clock.now());
    res.set('x-ms-ratelimit-burst-remaining-xrm-requests', String(context.serviceProtection.remaining(userKey)));
    if (refusal) {
      context.stats.refused((refusal.body as { error: { code: string } }).error.code);
      return next(refusal);
    }
    res.on('close', finished);
    next();
  });
  // Only writes that get past authentication, the fault knobs and service protection hold their answers (and stay in
  // flight meanwhile); a refused write answers at once, as it changed nothing.
  app.use(context.faults.holdWriteAnswersMiddleware());
  app.use(dataRoutes(context, environment));
  app.use(writeRoutes(context, environment));
  app.use((req) => {
    throw odataError(404, `Resource not found for the segment '${req.path.split('/').filter(Boolean).pop() ?? ''}'.`);
  });
  app.use(
    errorHandler({
      invalidJson: (res) => res.status(400).json(odataError(400, 'The request body is not valid JSON.').body),
      clientError: (res, status, message) => res.status(status).json(dataverseError(status, '', message).body),
      internalError: (res) => res.status(500).json(dataverseError(500, '0x80040216', 'An unexpected error occurred.').body),
    }),
  );
  return app;
}
