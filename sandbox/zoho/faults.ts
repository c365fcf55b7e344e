// Fault injection for the Zoho sandbox: knobs a test turns at run time, each clearing itself, answered with the CRM
// API's and Zoho Accounts' own errors (token failures as HTTP 200 `{"error": …}`).
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { Delays } from '../common/delays';
import { COMMON_FAULT_ARGUMENTS, FaultKnobs, count, failNextRequestsArguments, holdArguments, midPagingArguments, seconds, serverErrorsArguments, tokenEndpointErrorsArguments, until, type CommonFaultControls, type CommonFaultState, type KnobErrors, type ProviderKnobTurns } from '../common/faults';
import type { LimitName } from './api-limits';
import { SandboxHttpError, accountsError, invalidToken, zohoError } from './errors';

export const FAULT_ARGUMENTS = {
  ...COMMON_FAULT_ARGUMENTS,
  rateLimitStorm: z.strictObject({ seconds, limit: z.enum(['concurrency', 'subConcurrency', 'credits']).default('concurrency') }),
  serverErrors: serverErrorsArguments([500, 502, 503, 504], 500),
  failNextRequests: failNextRequestsArguments(500),
  expiredTokenMidPaging: midPagingArguments,
  expirePageTokens: z.strictObject({}),
  holdReads: holdArguments,
  accessDenied: z.strictObject({ count: count.optional() }),
  tokenEndpointErrors: tokenEndpointErrorsArguments([500, 502, 503], 503),
};

export type FaultName = keyof typeof FAULT_ARGUMENTS;
type Args<Name extends FaultName> = z.input<(typeof FAULT_ARGUMENTS)[Name]>;

/** Without `seconds` or `count` a knob stays on until `clear()`. Data knobs act on every data centre's API. */
export interface FaultControls extends CommonFaultControls<typeof FAULT_ARGUMENTS> {
  /** Every API call is refused by the chosen limit (as configured: status, code, Retry-After) for a while. */
  rateLimitStorm(args: Args<'rateLimitStorm'>): void;
  /** The next `count` API calls fail: with that status, by hanging then dropping the connection, or by a reset. */
  failNextRequests(args: Args<'failNextRequests'>): void;
  /** The Nth next-page call (page > 1 or a page_token) from now answers 401 INVALID_TOKEN, once. */
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void;
  /** Every page_token handed out so far answers EXPIRED_VALUE. */
  expirePageTokens(): void;
  /** After `afterCalls` more reads (lists, next pages, deleted lists, searches) the next ones wait until `clear()`. */
  holdReads(args: Args<'holdReads'>): void;
  heldReads(): number;
  /** Refreshes answer `{"error":"invalid_code"}` (the next `count`, or until cleared), as for a revoked token. */
  invalidGrant(args?: Args<'invalidGrant'>): void;
  /** Token requests (codes and refreshes) answer "Access Denied", as past the per-window mint cap. */
  accessDenied(args?: Args<'accessDenied'>): void;
}

interface FaultState extends CommonFaultState {
  rateLimitStorm?: { until: number; limit: LimitName };
  expiredTokenMidPaging?: { pagesLeft: number };
  holdReads?: { callsLeft: number };
  accessDenied?: { left: number };
}

const READ_KINDS = new Set(['list', 'nextPage', 'deleted', 'search']);

export const serverError = (status: number): SandboxHttpError => zohoError(status, 'INTERNAL_ERROR', 'Internal Server Error');

export class Faults extends FaultKnobs<typeof FAULT_ARGUMENTS, FaultState> implements FaultControls {
  constructor(
    delays: Delays,
    /** The refusal the configured limits answer with, counted in the stats like the real limiter's. */
    private readonly throttled: (limit: LimitName) => SandboxHttpError,
    private readonly onExpirePageTokens: () => void,
    private readonly accessDeniedAnswer: () => SandboxHttpError,
  ) {
    super(FAULT_ARGUMENTS, delays);
  }

  protected readonly turn: ProviderKnobTurns<typeof FAULT_ARGUMENTS> = {
    rateLimitStorm: ({ seconds, limit }) => (this.state.rateLimitStorm = { until: until(seconds), limit }),
    failNextRequests: ({ count, failure, delayMs }) => (this.state.failNextRequests = { left: count, failure, delayMs }),
    expiredTokenMidPaging: ({ afterPages }) => (this.state.expiredTokenMidPaging = { pagesLeft: afterPages }),
    expirePageTokens: () => this.onExpirePageTokens(),
    holdReads: ({ afterCalls }) => (this.state.holdReads = { callsLeft: afterCalls }),
    accessDenied: ({ count }) => (this.state.accessDenied = { left: count ?? Infinity }),
  };

  protected readonly errors: KnobErrors<FaultState> = {
    rateLimitStorm: ({ limit }) => this.throttled(limit),
    serverErrors: (status) => serverError(status),
    // What Zoho Accounts answers when it is down is unknown; a 5xx without access_token is what clients must handle.
    tokenEndpointErrors: (status) => accountsError('server_error', status),
    invalidGrant: () => accountsError('invalid_code'),
  };

  failNextRequests(args: Args<'failNextRequests'>): void {
    this.set('failNextRequests', args);
  }
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void {
    this.set('expiredTokenMidPaging', args);
  }
  expirePageTokens(): void {
    this.set('expirePageTokens', {});
  }
  holdReads(args: Args<'holdReads'>): void {
    this.set('holdReads', args);
  }
  heldReads(): number {
    return this.heldRequestCount();
  }
  accessDenied(args?: Args<'accessDenied'>): void {
    this.set('accessDenied', args);
  }

  /** Mounted before authentication: a held read meets the tokens and data of its release. */
  holdReadsMiddleware(): RequestHandler {
    return this.holdRequestsMiddleware(() => this.state.holdReads, (kind) => READ_KINDS.has(kind));
  }

  /** `accessDenied`: on the token endpoint, after the common token knobs. */
  accessDeniedMiddleware(): RequestHandler {
    return (_req, res, next) => {
      const denied = this.state.accessDenied;
      if (!denied || res.locals.area !== 'token') return next();
      if (--denied.left <= 0) delete this.state.accessDenied;
      next(this.accessDeniedAnswer());
    };
  }

  protected override isWrite(method: string, path: string): boolean {
    return (method === 'POST' || method === 'PUT') && /^\/crm\/v8\/(Contacts|Accounts)(\/|$)/.test(path);
  }

  protected override isFirstPage(_req: Request, kind: string): boolean {
    return kind === 'list';
  }

  /** Only next-page calls count down, so the failure lands between pages of one listing. */
  protected override midPagingError(kind: string): SandboxHttpError | undefined {
    const midPaging = this.state.expiredTokenMidPaging;
    if (!midPaging || kind !== 'nextPage' || --midPaging.pagesLeft > 0) return undefined;
    delete this.state.expiredTokenMidPaging;
    return invalidToken();
  }
}
