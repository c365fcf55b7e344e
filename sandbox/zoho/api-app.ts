// The HTTP app of one data centre's API domain (its own listener): `Zoho-oauthtoken` access tokens checked against
// this data centre, the data fault knobs, the org's credits and concurrency, then the CRM API v8 routes.
import express, { type NextFunction, type Request, type Response } from 'express';
import { bareApp, errorHandler } from '../common/http-server';
import { onlyFor, tagRequests, type RequestTag } from '../common/request-tags';
import { signedInOrg } from './api-request';
import type { SandboxContext } from './context';
import type { DataCentre } from './data-centre';
import { authenticationFailure, invalidToken, invalidUrl, zohoError } from './errors';
import { metadataRoutes } from './metadata-routes';
import { recordRoutes } from './record-routes';
import { searchRoutes } from './search-routes';
import { writeRoutes } from './write-routes';

const MODULE_PATH = /^\/crm\/v8\/([A-Za-z_]+)(?:\/([^/]+))?\/?$/;

/** Tells requests apart once, for the stats, the fault knobs and what a call costs. */
function classify(req: Request): RequestTag {
  if (!req.path.startsWith('/crm/')) return { area: 'other', kind: 'other' };
  const fixed: Record<string, string> = { '/crm/v8/org': 'org', '/crm/v8/users': 'users', '/crm/v8/settings/fields': 'fields', '/crm/v8/actions/watch': 'watch' };
  const known = fixed[req.path.replace(/\/$/, '')];
  if (known) return { area: 'data', kind: known };
  const match = MODULE_PATH.exec(req.path);
  if (!match) return { area: 'data', kind: 'other' };
  const [, , sub] = match;
  if (req.method === 'GET') {
    if (sub === 'deleted' || sub === 'search') return { area: 'data', kind: sub };
    if (sub !== undefined) return { area: 'data', kind: 'other' };
    const nextPage = req.query.page_token !== undefined || (typeof req.query.page === 'string' && req.query.page !== '1');
    return { area: 'data', kind: nextPage ? 'nextPage' : 'list' };
  }
  if (req.method === 'POST') return { area: 'data', kind: sub === 'upsert' ? 'upsert' : sub === undefined ? 'insert' : 'other' };
  if (req.method === 'PUT') return { area: 'data', kind: 'update' };
  return { area: 'data', kind: 'other' };
}

/**
 * Credits a call costs (1; the deleted-records list 2; writes 1 per 10 records, per Zoho's credit table) and whether
 * it is heavy (a write of more than 10 records).
 */
function costOf(req: Request, kind: string): { credits: number; heavy: boolean } {
  if (kind === 'deleted') return { credits: 2, heavy: false };
  if (kind !== 'insert' && kind !== 'update' && kind !== 'upsert') return { credits: 1, heavy: false };
  const data = (req.body as { data?: unknown } | undefined)?.data;
  const records = Array.isArray(data) ? data.length : 1;
  return { credits: Math.max(1, Math.ceil(records / 10)), heavy: records > 10 };
}

function accessTokenOf(req: Request, acceptBearer: boolean): string | null {
  const header = req.get('authorization') ?? '';
  const zoho = /^Zoho-oauthtoken\s+(\S+)$/i.exec(header);
  if (zoho) return zoho[1];
  const bearer = acceptBearer ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return bearer ? bearer[1] : null;
}

export function apiApp(context: SandboxContext, dataCentre: DataCentre): express.Express {
  const app = bareApp();
  app.use(tagRequests(classify, context.stats, dataCentre.location));
  app.use(context.faults.holdReadsMiddleware());
  app.use('/crm', express.json({ limit: '10mb' }));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (res.locals.area !== 'data') return next();
    const token = accessTokenOf(req, context.options.acceptBearer);
    if (!token) return next(authenticationFailure());
    // A token from another data centre is as unknown here as a made-up one.
    const outcome = context.sessions.authenticate(token, dataCentre.location);
    const org = outcome.ok ? context.orgByName(outcome.access.org) : undefined;
    if (!outcome.ok || !org) return next(invalidToken());
    res.locals.access = outcome.access;
    res.locals.org = org;
    next();
  });
  app.use(onlyFor('data', context.faults.middleware()));
  app.use(onlyFor('data', context.faults.failNextRequestsMiddleware()));
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (res.locals.area !== 'data') return next();
    const org = signedInOrg(res);
    const { credits, heavy } = costOf(req, res.locals.kind as string);
    const { refusedBy, finished } = context.limits.admit(org.name, credits, heavy);
    if (refusedBy) return next(context.throttled(refusedBy, org));
    res.on('close', finished);
    next();
  });
  // Only writes that get through hold their answers (and stay in flight meanwhile); refused ones answer at once.
  app.use(context.faults.holdWriteAnswersMiddleware());
  app.use(metadataRoutes(context));
  app.use(context.channels.routes());
  app.use(searchRoutes(context));
  app.use(recordRoutes(context));
  app.use(writeRoutes(context));
  app.use(() => {
    throw invalidUrl();
  });
  app.use(
    errorHandler({
      invalidJson: (res) => res.status(400).json(zohoError(400, 'INVALID_DATA', 'the request body is not valid JSON', { api_name: 'body' }).body),
      clientError: (res, status, message) => res.status(status).json(zohoError(status, 'INVALID_REQUEST', message).body),
      internalError: (res) => res.status(500).json(zohoError(500, 'INTERNAL_ERROR', 'Internal Server Error').body),
    }),
  );
  return app;
}
