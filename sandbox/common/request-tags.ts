// Each request told apart once, as it arrives: its area and kind on `res.locals`, for the stats, the knobs and the routes.
import type { Request, RequestHandler } from 'express';
import type { RequestStats } from './request-stats';

/** What the fault knobs act on: data calls, token endpoint calls, and the rest (authorize pages, revoke, introspection). */
export type RequestArea = 'data' | 'token' | 'other';

/** Besides `area` and `kind`, a provider may keep what its classifier worked out (Pipedrive's endpoint). */
export type RequestTag = { area: RequestArea; kind: string } & Record<string, unknown>;

/** A token request's kind, by its grant type: `token.refresh_token`, `token.authorization_code`, `token.unknown`. */
export function tokenKind(grantType: unknown): string {
  return `token.${typeof grantType === 'string' ? grantType : 'unknown'}`;
}

/**
 * Tags each request, counts its kind (under `host` too, for data calls, where a sandbox has several) and keeps a data
 * call in flight until it is answered or abandoned ('close' fires for both, as when a client timed out and hung up).
 */
export function tagRequests(classify: (req: Request) => RequestTag, stats: RequestStats, host?: string): RequestHandler {
  return (req, res, next) => {
    const tag = classify(req);
    Object.assign(res.locals, tag);
    stats.count(tag.kind, tag.area === 'data' ? host : undefined);
    if (tag.area === 'data') res.on('close', stats.dataRequestStarted());
    next();
  };
}

/** `handler` for requests of `area` only; the others pass by. */
export function onlyFor(area: RequestArea, handler: RequestHandler): RequestHandler {
  return (req, res, next) => (res.locals.area === area ? handler(req, res, next) : next());
}
