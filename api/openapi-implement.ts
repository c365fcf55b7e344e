// Serves the route table with Express: validates each declared part of a request, runs the route's handler and
// encodes its reply with the documented schema. Routes whose body is raw bytes, or whose answer is another server's
// (the proxy), are served here too, with the few extra steps they need.
import type { IncomingHttpHeaders } from 'node:http';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import type { Logger } from 'pino';
import { z } from 'zod';
import { AppError } from '../errors/app-error';
import type { Principal } from './authentication';
import { expressPath, isRawBody, isRedirect, routes, type OperationId, type RouteContract, type Routes } from './openapi-routes';
import { parseInput } from './validation';

type Parsed<R, K extends 'params' | 'query' | 'body'> = R extends { [P in K]: infer S extends z.ZodType } ? z.output<S> : undefined;

/** What a handler receives: each declared part of the request, already validated. */
export interface RouteInput<R extends RouteContract> {
  params: Parsed<R, 'params'>;
  query: Parsed<R, 'query'>;
  body: Parsed<R, 'body'>;
  /** Unvalidated: for the few routes that read one (the connect flow's cookie, an action's Idempotency-Key). */
  headers: IncomingHttpHeaders;
  /** Who is calling a secured route (its key's name and scope); null on public routes. */
  principal: Principal | null;
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

/** Decided before a byte of a raw body is read: how many may be (it may depend on who is sending), and what was learnt. */
export interface RawBodyAdmission {
  maxBodyBytes: number;
  /** Whatever `admit` found (the authenticated integration), handed to `handle`. */
  admitted?: unknown;
}

/**
 * A route whose body is bytes of any media type, or whose answer is another server's (the proxy). `admit` runs first,
 * on the validated path and query, and authenticates by throwing; only then is the body read, up to its limit.
 * `handle` answers through `exchange.res` itself ('answered': a streamed answer) or returns a documented reply.
 */
export interface RawRouteHandler<R extends RouteContract> {
  admit(input: Omit<RouteInput<R>, 'body'>): Promise<RawBodyAdmission> | RawBodyAdmission;
  handle(
    input: Omit<RouteInput<R>, 'body'> & { body: Buffer; admitted: unknown; exchange: { req: Request; res: Response } },
  ): Promise<RouteReply<R> | 'answered'> | RouteReply<R> | 'answered';
}

type HandlerOf<R extends RouteContract> = R extends { bodyMediaType: '*/*' } | { responses: { default: unknown } } ? RawRouteHandler<R> : RouteHandler<R>;

/** Handlers by operation id: a router passes the ones it serves. (A map, not a generic call, so reply statuses stay literal.) */
export type RouteHandlers = { [K in OperationId]?: HandlerOf<Routes[K]> };

type AnyReply = { status: number; body?: unknown; location?: string; headers?: Record<string, string> };
type AnyInput = { params: unknown; query: unknown; body: unknown; headers: IncomingHttpHeaders; principal: Principal | null };
type AnyRouteHandler = (input: AnyInput) => Promise<AnyReply> | AnyReply;
type AnyRawRouteHandler = {
  admit(input: Omit<AnyInput, 'body'>): Promise<RawBodyAdmission> | RawBodyAdmission;
  handle(input: AnyInput & { admitted: unknown; exchange: { req: Request; res: Response } }): Promise<AnyReply | 'answered'> | AnyReply | 'answered';
};

export interface ImplementOptions {
  /** Needed by routes with a secret in their path: their failures are logged here, by pattern, not by the error handler. */
  logger?: Logger;
}

/**
 * Serves routes of the table: validates what each declares, runs its handler, and encodes the reply with the
 * documented schema. Encoding drops fields the schema does not list and fails loudly (a 500) on a reply that breaks it.
 */
export function implement(router: Router, handlers: RouteHandlers, options: ImplementOptions = {}): void {
  for (const [operationId, handler] of Object.entries(handlers) as unknown as [OperationId, AnyRouteHandler | AnyRawRouteHandler][]) {
    const route: RouteContract = routes[operationId];
    const path = expressPath(route.path, route.wildcardParam);
    const raw = isRawBody(route) || route.responses.default !== undefined;
    if (route.secretInPath && !options.logger) throw new Error(`${operationId}: a route with a secret in its path needs a logger`);
    const logged = route.secretInPath ? byPattern(route, options.logger as Logger) : (error: unknown) => error;
    if (!raw) {
      router[route.method](path, async (req, res) => {
        const reply = await (handler as AnyRouteHandler)({ ...requestParts(route, req, res), body: route.body ? parseInput(route.body, req.body, 'body') : undefined });
        send(route, res, reply);
      });
      continue;
    }
    const { admit, handle } = handler as AnyRawRouteHandler;
    const readBody = rawBodyReader();
    router[route.method](
      path,
      guarded(logged, async (req, res) => {
        const parts = requestParts(route, req, res);
        const admission = await admit(parts);
        res.locals.routeInput = parts;
        res.locals.admission = admission;
      }),
      // Every method's body, declared or not (a GET may carry one): the limit holds whatever the method, as it always has.
      (req, res, next) => {
        const limit = (res.locals.admission as RawBodyAdmission).maxBodyBytes;
        readBody(limit)(req, res, (error?: unknown) => next(error === undefined ? undefined : logged(bodyError(error, limit))));
      },
      guarded(logged, async (req, res) => {
        const { admitted } = res.locals.admission as RawBodyAdmission;
        const body = Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0);
        const reply = await handle({ ...(res.locals.routeInput as Omit<AnyInput, 'body'>), body, admitted, exchange: { req, res } });
        if (reply !== 'answered') send(route, res, reply);
      }),
    );
  }
}

function requestParts(route: RouteContract, req: Request, res: Response): Omit<AnyInput, 'body'> {
  const params: Record<string, unknown> = { ...req.params };
  // Express hands a wildcard over as its segments; the contract knows it as the path it is.
  if (route.wildcardParam && Array.isArray(params[route.wildcardParam])) params[route.wildcardParam] = (params[route.wildcardParam] as string[]).join('/');
  return {
    params: route.params ? parseInput(route.params, params, 'params') : undefined,
    query: route.query ? parseInput(route.query, req.query, 'query') : undefined,
    headers: req.headers,
    principal: (res.locals.principal as Principal | undefined) ?? null,
  };
}

function send(route: RouteContract, res: Response, reply: AnyReply): void {
  if (reply.headers) res.set(reply.headers);
  const response = route.responses[reply.status];
  // No body: Express' default one repeats the URL, and these URLs carry one-time states and codes.
  if (isRedirect(response)) return void res.status(reply.status).location(reply.location as string).end();
  const body = z.encode(response.body, reply.body);
  if (response.mediaType) res.status(reply.status).type(response.mediaType).send(body);
  else res.status(reply.status).json(body);
}

/** body-parser's raw reader, one per limit: it counts bytes after decompression and stops inflating past the limit. */
function rawBodyReader(): (limit: number) => RequestHandler {
  const readers = new Map<number, RequestHandler>();
  return (limit) => {
    let reader = readers.get(limit);
    if (!reader) {
      reader = express.raw({ type: () => true, limit });
      readers.set(limit, reader);
    }
    return reader;
  };
}

/** body-parser's refusals as 400s saying which limit or encoding; anything else goes on as it came. */
function bodyError(error: unknown, limit: number): unknown {
  const type = (error as { type?: unknown }).type;
  if (type === 'entity.too.large') return AppError.invalid('body', `is larger than ${limit / 1024} KiB (counted after decompression)`);
  if (type === 'encoding.unsupported') return AppError.invalid('content-encoding', 'must be gzip, deflate or br, or none');
  if (type === 'request.aborted') return AppError.invalid('body', 'was cut off: the sender hung up before sending it whole');
  return error;
}

/** Runs a step and hands its failure to Express, through `logged` first. */
function guarded(logged: (error: unknown) => unknown, step: (req: Request, res: Response) => Promise<void>): RequestHandler {
  return (req, res, next) => {
    step(req, res).then(
      () => {
        if (!res.headersSent) next();
      },
      (error: unknown) => next(logged(error)),
    );
  };
}

/**
 * Express's error handler logs an unexpected error with the request's path, which on these routes holds a secret: such
 * errors are logged here, naming the route's pattern, and go on as a plain 500.
 */
function byPattern(route: RouteContract, logger: Logger): (error: unknown) => unknown {
  return (error) => {
    if (error instanceof AppError) return error;
    logger.error({ err: error, method: route.method.toUpperCase(), route: route.path }, 'unexpected error');
    return new AppError('internal', 'internal error');
  };
}
