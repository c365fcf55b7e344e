// The HTTP app of one data centre's accounts server (its own listener): the OAuth endpoints, the token fault knobs,
// and, on the first data centre's server only, the control API under /__sandbox.
import express, { type Request, type Router } from 'express';
import { bareApp, errorHandler } from '../common/http-server';
import { onlyFor, tokenKind, type RequestTag } from '../common/request-tags';
import type { SandboxContext } from './context';
import type { DataCentre } from './data-centre';
import { SandboxHttpError, accountsError } from './errors';
import { oauthRoutes, type AuthorizationStores } from './oauth';

function classify(req: Request): RequestTag {
  // Zoho takes the token parameters in the query string as well as in the body.
  if (req.path === '/oauth/v2/token') return { area: 'token', kind: tokenKind(req.body?.grant_type ?? req.query.grant_type) };
  if (req.path === '/oauth/v2/auth') return { area: 'other', kind: 'authorize' };
  if (req.path === '/oauth/v2/token/revoke') return { area: 'other', kind: 'revoke' };
  return { area: 'other', kind: 'other' };
}

export function accountsApp(context: SandboxContext, dataCentre: DataCentre, stores: AuthorizationStores, controlRoutes: Router | null): express.Express {
  const app = bareApp();
  if (controlRoutes) app.use('/__sandbox', controlRoutes);
  app.use(express.urlencoded({ extended: false, limit: '1mb' }));
  // Counted by data centre too (tagRequests counts only data requests so): a test can tell which accounts server answered.
  app.use((req, res, next) => {
    const tag = classify(req);
    Object.assign(res.locals, tag);
    context.stats.count(tag.kind, dataCentre.location);
    next();
  });
  // Token knobs act before the endpoint; every failure they cause is an answer without access_token.
  app.use(onlyFor('token', context.faults.middleware()));
  app.use(context.faults.accessDeniedMiddleware());
  app.use(oauthRoutes(context, dataCentre, stores));
  app.use(() => {
    throw new SandboxHttpError(404, { error: 'not_found' }, 'not found');
  });
  // Every token answer without an access token is counted by its `error`, whichever knob or check produced it.
  app.use((error: unknown, _req: Request, res: express.Response, next: express.NextFunction) => {
    const body = error instanceof SandboxHttpError ? (error.body as { error?: unknown } | undefined) : undefined;
    if (res.locals.area === 'token' && typeof body?.error === 'string') context.stats.tokenError(body.error);
    next(error);
  });
  app.use(
    errorHandler({
      invalidJson: (res) => res.status(200).json(accountsError('invalid_request').body),
      clientError: (res, status, message) => res.status(status).type('text').send(message),
      internalError: (res) => res.status(500).json({ error: 'server_error' }),
    }),
  );
  return app;
}
