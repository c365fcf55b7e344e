// Who is calling the API and what they may do: a secret key (`Authorization: Bearer`) or the console's session cookie,
// each with its key's scope; a `read` key is refused every route that needs `admin`, with 403 naming the scope.
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { matchingKey, scopeOf, type KeyScope, type NamedSecretKey } from '../security/secret-key';
import { isStateChanging, type ConsoleSessions } from './console/console-sessions';
import { routes, type RouteContract } from './openapi-routes';

/** Who made a request, as handlers see it (`res.locals.principal`): a key's name and scope, never the key. */
export interface Principal {
  keyName: string;
  scope: KeyScope;
  via: 'secret-key' | 'console-session';
}

export const principalOf = (res: { locals: Record<string, unknown> }): Principal | null => (res.locals.principal as Principal | undefined) ?? null;

/**
 * `Authorization: Bearer <key>` is checked whenever it is sent; without it, the console's session cookie. A cookie
 * is an ambient credential, so a state change made with it must pass the session's CSRF check; a bearer key is not
 * ambient and needs none. Leaves the key's name in `res.locals.secretKeyName` for the request log.
 */
export function authenticate(keys: readonly NamedSecretKey[], sessions: ConsoleSessions): RequestHandler {
  return async (req, res, next) => {
    const header = req.get('authorization');
    let principal: Principal;
    if (header !== undefined) {
      const match = /^Bearer (.+)$/.exec(header);
      const key = match ? matchingKey(match[1], keys) : null;
      if (!key) throw new AppError('unauthorized', 'missing or wrong secret key: send Authorization: Bearer <one of TRIBUTARY_SECRET_KEYS>');
      principal = { keyName: key.name, scope: scopeOf(key), via: 'secret-key' };
    } else {
      const active = await sessions.fromRequest(req.headers);
      if (!active) {
        if (req.headers.cookie?.includes('tributary_console=')) res.set('Set-Cookie', sessions.clearingCookie());
        throw new AppError('unauthorized', 'missing or wrong secret key: send Authorization: Bearer <one of TRIBUTARY_SECRET_KEYS>, or sign in to the console');
      }
      if (isStateChanging(req.method)) sessions.checkStateChange(req.headers, active.cookieValue);
      principal = { keyName: active.session.keyName, scope: active.session.scope, via: 'console-session' };
    }
    res.locals.principal = principal;
    res.locals.secretKeyName = principal.keyName;
    next();
  };
}

/** Each secured route of the table as a matcher, with the scope it declares. */
function scopedRoutes(): { method: string; matches: (path: string) => boolean; route: RouteContract }[] {
  return (Object.values(routes) as RouteContract[])
    .filter((route) => route.secured)
    .map((route) => {
      const pattern = new RegExp(
        `^${route.path
          .replace(/[.*+?^$()|[\]\\]/g, '\\$&')
          // A wildcard parameter (the proxy's path) takes the rest of the path, slashes included.
          .replace(/\{(\w+)\}/g, (_, name: string) => (name === route.wildcardParam ? '.+' : '[^/]+'))}/?$`,
      );
      return { method: route.method.toUpperCase(), matches: (path: string) => pattern.test(path), route };
    });
}

const forbidden = (what: string) =>
  new AppError('forbidden', `this key can only read; ${what} needs the admin scope`, { requiredScope: 'admin' });

/**
 * After `authenticate`: the scope the route table declares for the request's route. A state-changing request the
 * table does not know (a route served outside it) needs admin too, so nothing new can forget to ask.
 */
export function requireScope(): RequestHandler {
  const table = scopedRoutes();
  return (req, res, next) => {
    const principal = principalOf(res);
    if (!principal || principal.scope === 'admin') return next();
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    // The whole path, also where this runs under a mount point (`/proxy`).
    const path = `${req.baseUrl}${req.path}`;
    const entry = table.find((candidate) => candidate.method === method && candidate.matches(path));
    if (entry ? entry.route.scope === 'admin' : isStateChanging(req.method)) {
      throw forbidden(entry ? `${entry.method} ${entry.route.path}` : `${req.method} ${routePatternOf(req)}`);
    }
    next();
  };
}

/** The first segment only: an untabled path may carry ids or tokens, which an error message must not echo whole. */
function routePatternOf(req: Request): string {
  return `/${req.path.split('/')[1] ?? ''}/…`;
}
