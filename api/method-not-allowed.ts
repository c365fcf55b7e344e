// Answers 405 with `Allow` for a method the route table does not declare on a path it does, instead of a 404 that
// would say the resource does not exist.
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { routes, type RouteContract } from './openapi-routes';

/** Each documented path as a matcher, with the methods declared on it (HEAD comes with GET, as Express serves it). */
function allowedMethodsByPath(): { matches: (path: string) => boolean; allow: string[] }[] {
  const byPath = new Map<string, Set<string>>();
  for (const route of Object.values(routes) as RouteContract[]) {
    // By shape, not by parameter names: GET …/actions/{actionId} and POST …/actions/{name} are one path. A wildcard
    // (the proxy's path) takes the rest of the path, slashes included.
    const shape = route.path.replace(/\{(\w+)\}/g, (_, name: string) => (name === route.wildcardParam ? '{**}' : '{}'));
    const methods = byPath.get(shape) ?? new Set<string>();
    methods.add(route.method.toUpperCase());
    if (route.method === 'get') methods.add('HEAD');
    byPath.set(shape, methods);
  }
  return [...byPath].map(([path, methods]) => {
    const pattern = new RegExp(`^${path.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{\\\*\\\*\}/g, '.+').replace(/\\\{\\\}|\{\}/g, '[^/]+')}/?$`);
    return { matches: (candidate: string) => pattern.test(candidate), allow: [...methods] };
  });
}

export function methodNotAllowedHandler(): RequestHandler {
  const paths = allowedMethodsByPath();
  return (req, res, next) => {
    const known = paths.find((entry) => entry.matches(req.path));
    if (!known || known.allow.includes(req.method)) return next();
    res.set('Allow', known.allow.join(', '));
    throw new AppError('method_not_allowed', `${req.method} is not allowed on ${req.path}; allowed: ${known.allow.join(', ')}`);
  };
}
