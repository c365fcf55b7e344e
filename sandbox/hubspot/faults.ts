// Fault injection for the HubSpot sandbox: knobs a test turns at run time, each clearing itself, applied by one middleware.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import { controlError } from '../salesforce/errors';
import { fieldProblems } from '../salesforce/options';
import type { Delays } from '../salesforce/timers';
import { crmError, expiredToken, rateLimited, tokenError, type RateLimitPolicy } from './errors';

const share = z.number().min(0).max(1);
const seconds = z.number().positive();
const count = z.number().int().positive();

export const FAULT_ARGUMENTS = {
  rateLimitStorm: z.strictObject({ seconds, policy: z.enum(['TEN_SECONDLY_ROLLING', 'SECONDLY', 'DAILY']).default('TEN_SECONDLY_ROLLING') }),
  serverErrors: z.strictObject({ share, seconds: seconds.optional(), status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(502) }),
  slowResponses: z.strictObject({ delayMs: z.number().int().nonnegative(), share: share.default(1), seconds: seconds.optional() }),
  truncatedJson: z.strictObject({ share: share.default(1), count: count.optional() }),
  expiredTokenMidPaging: z.strictObject({ afterRequests: count }),
  invalidGrant: z.strictObject({ count: count.optional() }),
  tokenEndpointErrors: z.strictObject({ count, status: z.union([z.literal(500), z.literal(502), z.literal(503)]).default(502) }),
};

export type FaultName = keyof typeof FAULT_ARGUMENTS;
type Args<Name extends FaultName> = z.input<(typeof FAULT_ARGUMENTS)[Name]>;

/** Without `seconds` or `count` a knob stays on until `clear()`. Data knobs act on /crm/v3; the others on the token endpoint. */
export interface FaultControls {
  set(name: FaultName, args: unknown): void;
  /** 429 with the policy's body on every data call for a while. */
  rateLimitStorm(args: Args<'rateLimitStorm'>): void;
  serverErrors(args: Args<'serverErrors'>): void;
  slowResponses(args: Args<'slowResponses'>): void;
  /** 200 with the JSON body cut in half. */
  truncatedJson(args?: Args<'truncatedJson'>): void;
  /** The Nth data call from now answers 401 EXPIRED_AUTHENTICATION, once (as if the token lapsed mid-paging). */
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void;
  /** Refreshes answer 400 BAD_REFRESH_TOKEN (the next `count`, or until cleared). */
  invalidGrant(args?: Args<'invalidGrant'>): void;
  tokenEndpointErrors(args: Args<'tokenEndpointErrors'>): void;
  clear(): void;
  active(): string[];
}

interface FaultState {
  rateLimitStorm?: { until: number; policy: RateLimitPolicy };
  serverErrors?: { until: number; share: number; status: number };
  slowResponses?: { until: number; share: number; delayMs: number };
  truncatedJson?: { share: number; left: number };
  expiredTokenMidPaging?: { left: number };
  invalidGrant?: { left: number };
  tokenEndpointErrors?: { left: number; status: number };
}

export type RequestArea = 'data' | 'token' | 'other';

export class Faults implements FaultControls {
  private state: FaultState = {};

  constructor(
    private readonly delays: Delays,
    private readonly onRefused: (reason: string) => void,
  ) {}

  set(name: FaultName, raw: unknown): void {
    const parsed = FAULT_ARGUMENTS[name].safeParse(raw ?? {});
    if (!parsed.success) throw controlError(400, `invalid arguments for fault ${name}`, fieldProblems(parsed.error));
    (this.turn[name] as (args: unknown) => void)(parsed.data);
  }

  private readonly turn: { [Name in FaultName]: (args: z.output<(typeof FAULT_ARGUMENTS)[Name]>) => void } = {
    rateLimitStorm: ({ seconds, policy }) => (this.state.rateLimitStorm = { until: until(seconds), policy }),
    serverErrors: ({ share, seconds, status }) => (this.state.serverErrors = { until: until(seconds), share, status }),
    slowResponses: ({ delayMs, share, seconds }) => (this.state.slowResponses = { until: until(seconds), share, delayMs }),
    truncatedJson: ({ share, count }) => (this.state.truncatedJson = { share, left: count ?? Infinity }),
    expiredTokenMidPaging: ({ afterRequests }) => (this.state.expiredTokenMidPaging = { left: afterRequests }),
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
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void {
    this.set('expiredTokenMidPaging', args);
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

  /** Runs after authentication on data calls (a storm refuses only callers HubSpot knows) and first on token calls. */
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
          this.onRefused(storm.policy);
          return next(rateLimited(storm.policy));
        }
        const errors = this.state.serverErrors;
        if (errors && hit(errors.share)) {
          return next(crmError(errors.status, 'INTERNAL_ERROR', errors.status === 500 ? 'internal error' : 'Bad gateway: the service is temporarily unavailable'));
        }
        const expiring = this.state.expiredTokenMidPaging;
        if (expiring && --expiring.left <= 0) {
          delete this.state.expiredTokenMidPaging;
          return next(expiredToken());
        }
        if (this.state.truncatedJson) this.truncateNextBody(res);
      } else if (area === 'token') {
        const tokenErrors = this.state.tokenEndpointErrors;
        if (tokenErrors) {
          if (--tokenErrors.left <= 0) delete this.state.tokenEndpointErrors;
          return next(crmError(tokenErrors.status, 'INTERNAL_ERROR', 'internal error'));
        }
        const invalidGrant = this.state.invalidGrant;
        if (invalidGrant && kind === 'token.refresh_token') {
          if (--invalidGrant.left <= 0) delete this.state.invalidGrant;
          return next(tokenError(400, 'BAD_REFRESH_TOKEN', 'missing or invalid refresh token'));
        }
      }
      next();
    };
  }

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
