// Serves the route table with Express: validates each declared part of a request, runs the route's handler and
// encodes its reply with the documented schema.
import type { IncomingHttpHeaders } from 'node:http';
import type { Router } from 'express';
import { z } from 'zod';
import { expressPath, isRedirect, routes, type OperationId, type RouteContract, type Routes } from './openapi-routes';
import { parseInput } from './validation';

type Parsed<R, K extends 'params' | 'query' | 'body'> = R extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a handler receives: each declared part of the request, already validated. */
export interface RouteInput<R extends RouteContract> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** Unvalidated: for the few routes that read one (the connect flow's cookie). */
  headers: IncomingHttpHeaders;
}

type ResponseStatus<R extends RouteContract> = keyof R['responses'] & number;

/**
 * What a handler returns: one of the route's documented statuses with the body (or redirect) that status documents,
 * and any headers to set besides (the connect flow's cookie).
 */
export type RouteReply<R extends RouteContract> = {
  [S in ResponseStatus<R>]: (R['responses'][S] extends { redirect: true }
    ? { status: S; location: string }
    : R['responses'][S] extends { body: infer B extends z.ZodType }
      ? { status: S; body: z.output<B> }
      : never) & { headers?: Record<string, string> };
}[ResponseStatus<R>];

export type RouteHandler<R extends RouteContract> = (input: RouteInput<R>) => Promise<RouteReply<R>> | RouteReply<R>;

/** Handlers by operation id: a router passes the ones it serves. (A map, not a generic call, so reply statuses stay literal.) */
export type RouteHandlers = { [K in OperationId]?: RouteHandler<Routes[K]> };

type AnyReply = { status: number; body?: unknown; location?: string; headers?: Record<string, string> };
type AnyRouteHandler = (input: { params: unknown; query: unknown; body: unknown; headers: IncomingHttpHeaders }) => Promise<AnyReply> | AnyReply;

/**
 * Serves routes of the table: validates what each declares, runs its handler, and encodes the reply with the
 * documented schema. Encoding drops fields the schema does not list and fails loudly (a 500) on a reply that breaks it.
 */
export function implement(router: Router, handlers: RouteHandlers): void {
  for (const [operationId, handler] of Object.entries(handlers) as unknown as [OperationId, AnyRouteHandler][]) {
    const route: RouteContract = routes[operationId];
    router[route.method](expressPath(route.path), async (req, res) => {
      const reply = await handler({
        params: route.params ? parseInput(route.params, req.params, 'params') : undefined,
        query: route.query ? parseInput(route.query, req.query, 'query') : undefined,
        body: route.body ? parseInput(route.body, req.body, 'body') : undefined,
        headers: req.headers,
      });
      if (reply.headers) res.set(reply.headers);
      const response = route.responses[reply.status];
      // No body: Express' default one repeats the URL, and these URLs carry one-time states and codes.
      if (isRedirect(response)) return res.status(reply.status).location(reply.location as string).end();
      const body = z.encode(response.body, reply.body);
      if (response.mediaType) res.status(reply.status).type(response.mediaType).send(body);
      else res.status(reply.status).json(body);
    });
  }
}
