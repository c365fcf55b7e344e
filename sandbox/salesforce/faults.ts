// Fault injection: the knobs a test turns at run time, each clearing itself, and the one middleware that applies them.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { apiError, controlError, invalidSession, oauthError } from './errors';
import { fieldProblems } from './options';
import type { Delays } from './timers';

const share = z.number().min(0).max(1);
const seconds = z.number().positive();
const count = z.number().int().positive();

export const FAULT_ARGUMENTS = {
  rateLimitStorm: z.strictObject({ seconds, kind: z.enum(['daily', 'concurrent']).default('daily') }),
  serverErrors: z.strictObject({ share, seconds: seconds.optional(), status: z.union([z.literal(500), z.literal(503)]).default(503) }),
  slowResponses: z.strictObject({ delayMs: z.number().int().nonnegative(), share: share.default(1), seconds: seconds.optional() }),
  truncatedJson: z.strictObject({ share: share.default(1), count: count.optional() }),
  invalidSessionMidPaging: z.strictObject({ afterPages: count }),
  expireQueryLocators: z.strictObject({}),
  invalidGrant: z.strictObject({ count: count.optional() }),
  tokenEndpointErrors: z.strictObject({ count, status: z.union([z.literal(500), z.literal(503)]).default(503) }),
};

export type FaultName = keyof typeof FAULT_ARGUMENTS;
type Args<Name extends FaultName> = z.input<(typeof FAULT_ARGUMENTS)[Name]>;

/**
 * Without `seconds` or `count` a knob stays on until `clear()`. Data-API knobs act on /services/data;
 * `invalidGrant` and `tokenEndpointErrors` act on the token endpoint.
 */
export interface FaultControls {
  /** Turns a knob by name with unchecked arguments (the control API's path); bad arguments throw a 400 naming the field. */
  set(name: FaultName, args: unknown): void;
  /** 403 REQUEST_LIMIT_EXCEEDED on every data call for a while. */
  rateLimitStorm(args: Args<'rateLimitStorm'>): void;
  serverErrors(args: Args<'serverErrors'>): void;
  slowResponses(args: Args<'slowResponses'>): void;
  /** 200 with the JSON body cut in half. */
  truncatedJson(args?: Args<'truncatedJson'>): void;
  /** The Nth queryMore from now answers 401 INVALID_SESSION_ID, once. */
  invalidSessionMidPaging(args: Args<'invalidSessionMidPaging'>): void;
  /** Every open query locator now answers INVALID_QUERY_LOCATOR. */
  expireQueryLocators(): void;
  /** Refreshes answer invalid_grant (the next `count`, or until cleared). */
  invalidGrant(args?: Args<'invalidGrant'>): void;
  tokenEndpointErrors(args: Args<'tokenEndpointErrors'>): void;
  clear(): void;
  /** Names of the knobs that are on, for the control API and debugging. */
  active(): string[];
}

interface Window {
  until: number;
}

interface FaultState {
  rateLimitStorm?: Window & { kind: 'daily' | 'concurrent' };
  serverErrors?: Window & { share: number; status: 500 | 503 };
  slowResponses?: Window & { share: number; delayMs: number };
  truncatedJson?: { share: number; left: number };
  invalidSessionMidPaging?: { pagesLeft: number };
  invalidGrant?: { left: number };
  tokenEndpointErrors?: { left: number; status: 500 | 503 };
}

/** The request kinds the middleware tells apart (set on `res.locals.kind` by the server). */
export type RequestArea = 'data' | 'token' | 'other';

export class Faults implements FaultControls {
  private state: FaultState = {};

  constructor(
    private readonly delays: Delays,
    private readonly onExpireQueryLocators: () => void,
  ) {}

  set(name: FaultName, raw: unknown): void {
    const parsed = FAULT_ARGUMENTS[name].safeParse(raw ?? {});
    if (!parsed.success) throw controlError(400, `invalid arguments for fault ${name}`, fieldProblems(parsed.error));
    (this.turn[name] as (args: unknown) => void)(parsed.data);
  }

  /** How each knob, with checked arguments, becomes state; no duration or count means "until clear()". */
  private readonly turn: { [Name in FaultName]: (args: z.output<(typeof FAULT_ARGUMENTS)[Name]>) => void } = {
    rateLimitStorm: ({ seconds, kind }) => (this.state.rateLimitStorm = { until: until(seconds), kind }),
    serverErrors: ({ share, seconds, status }) => (this.state.serverErrors = { until: until(seconds), share, status }),
    slowResponses: ({ delayMs, share, seconds }) => (this.state.slowResponses = { until: until(seconds), share, delayMs }),
    truncatedJson: ({ share, count }) => (this.state.truncatedJson = { share, left: count ?? Infinity }),
    invalidSessionMidPaging: ({ afterPages }) => (this.state.invalidSessionMidPaging = { pagesLeft: afterPages }),
    expireQueryLocators: () => this.onExpireQueryLocators(),
    invalidGrant: ({ count }) => (this.state.invalidGrant = { left: count ?? Infinity }),
    tokenEndpointErrors: ({ count, status }) => (this.state.tokenEndpointErrors = { left: count, status }),
  };

  rateLimitStorm(args: Args<'rateLimitStorm'>): void {
    this.set('rateLimitStorm', args);
  }
  serverErrors(args: Args<'serverErrors'>): void {
    this.set('serverErrors', args);
  }
  slowResponses(args: Args<'slowResponses'>): void {
    this.set('slowResponses', args);
  }
  truncatedJson(args: Args<'truncatedJson'> = {}): void {
    this.set('truncatedJson', args);
  }
  invalidSessionMidPaging(args: Args<'invalidSessionMidPaging'>): void {
    this.set('invalidSessionMidPaging', args);
  }
  expireQueryLocators(): void {
    this.set('expireQueryLocators', {});
  }
  invalidGrant(args: Args<'invalidGrant'> = {}): void {
    this.set('invalidGrant', args);
  }
  tokenEndpointErrors(args: Args<'tokenEndpointErrors'>): void {
    this.set('tokenEndpointErrors', args);
  }

  clear(): void {
    this.state = {};
  }

  active(): string[] {
    this.expireWindows();
    return Object.keys(this.state);
  }

  /** The one place faults meet requests; `res.locals.area` and `res.locals.kind` say what the request is. */
  middleware(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const area = res.locals.area as RequestArea;
      const kind = res.locals.kind as string;
      this.expireWindows();
      if (area === 'data') {
        const slow = this.state.slowResponses;
        if (slow && hit(slow.share)) await this.delays.wait(slow.delayMs);
        const storm = this.state.rateLimitStorm;
        if (storm) {
          const message = storm.kind === 'daily' ? 'TotalRequests Limit exceeded.' : 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.';
          return next(apiError(403, 'REQUEST_LIMIT_EXCEEDED', message));
        }
        const errors = this.state.serverErrors;
        if (errors && hit(errors.share)) {
          return next(
            errors.status === 503
              ? apiError(503, 'SERVER_UNAVAILABLE', 'Server is temporarily unavailable. Please try again later.')
              : apiError(500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred. Please include this ErrorId if you contact support: ${Date.now()}-0 (-1)`),
          );
        }
        const midPaging = this.state.invalidSessionMidPaging;
        if (midPaging && kind === 'queryMore' && --midPaging.pagesLeft <= 0) {
          delete this.state.invalidSessionMidPaging;
          return next(invalidSession());
        }
        if (this.state.truncatedJson) this.truncateNextBody(res);
      } else if (area === 'token') {
        const tokenErrors = this.state.tokenEndpointErrors;
        if (tokenErrors) {
          if (--tokenErrors.left <= 0) delete this.state.tokenEndpointErrors;
          return next(oauthError(tokenErrors.status, 'unknown_error', 'retry your request'));
        }
        const invalidGrant = this.state.invalidGrant;
        if (invalidGrant && kind === 'token.refresh_token') {
          if (--invalidGrant.left <= 0) delete this.state.invalidGrant;
          return next(oauthError(400, 'invalid_grant', 'expired access/refresh token'));
        }
      }
      next();
    };
  }

  /** Cuts a successful body in half as a dropped connection behind a proxy would; the count is spent only on 200s. */
  private truncateNextBody(res: Response): void {
    const send = res.send.bind(res);
    res.send = (body?: unknown) => {
      const knob = this.state.truncatedJson;
      if (knob && res.statusCode === 200 && typeof body === 'string' && hit(knob.share)) {
        if (--knob.left <= 0) delete this.state.truncatedJson;
        return send(body.slice(0, Math.floor(body.length / 2)));
      }
      return send(body);
    };
  }

  private expireWindows(): void {
    const now = Date.now();
    for (const name of ['rateLimitStorm', 'serverErrors', 'slowResponses'] as const) {
      const window = this.state[name];
      if (window && now >= window.until) delete this.state[name];
    }
  }
}

function until(seconds: number | undefined): number {
  return seconds === undefined ? Infinity : Date.now() + seconds * 1000;
}

function hit(probability: number): boolean {
  return probability >= 1 || Math.random() < probability;
}
