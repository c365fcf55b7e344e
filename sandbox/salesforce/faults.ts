// Fault injection: the knobs a test turns at run time, each clearing itself, with the errors Salesforce answers them with.
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { Delays } from '../common/delays';
import { COMMON_FAULT_ARGUMENTS, FaultKnobs, holdArguments, midPagingArguments, seconds, serverErrorsArguments, tokenEndpointErrorsArguments, until, type CommonFaultControls, type CommonFaultState, type KnobErrors, type ProviderKnobTurns } from '../common/faults';
import { apiError, invalidSession, oauthError, type SandboxHttpError } from './errors';

export const FAULT_ARGUMENTS = {
  ...COMMON_FAULT_ARGUMENTS,
  rateLimitStorm: z.strictObject({ seconds, kind: z.enum(['daily', 'concurrent']).default('daily') }),
  serverErrors: serverErrorsArguments([500, 503], 503),
  invalidSessionMidPaging: midPagingArguments,
  expireQueryLocators: z.strictObject({}),
  holdQueries: holdArguments,
  tokenEndpointErrors: tokenEndpointErrorsArguments([500, 503], 503),
};

export type FaultName = keyof typeof FAULT_ARGUMENTS;
type Args<Name extends FaultName> = z.input<(typeof FAULT_ARGUMENTS)[Name]>;

/**
 * Without `seconds` or `count` a knob stays on until `clear()`. Data-API knobs act on /services/data;
 * `invalidGrant` and `tokenEndpointErrors` act on the token endpoint.
 */
export interface FaultControls extends CommonFaultControls<typeof FAULT_ARGUMENTS> {
  /** 403 REQUEST_LIMIT_EXCEEDED on every data call for a while. */
  rateLimitStorm(args: Args<'rateLimitStorm'>): void;
  /** The Nth queryMore from now answers 401 INVALID_SESSION_ID, once. */
  invalidSessionMidPaging(args: Args<'invalidSessionMidPaging'>): void;
  /** Every open query locator now answers INVALID_QUERY_LOCATOR. */
  expireQueryLocators(): void;
  /**
   * After `afterCalls` more query/queryAll/queryMore calls, the next ones wait unanswered until `clear()`: a test
   * changes the org between two pages of a sync, at exactly that point, without racing it.
   */
  holdQueries(args: Args<'holdQueries'>): void;
  /** How many query calls are waiting on `holdQueries`. */
  heldQueries(): number;
  /** Refreshes answer invalid_grant (the next `count`, or until cleared). */
  invalidGrant(args?: Args<'invalidGrant'>): void;
}

interface FaultState extends CommonFaultState {
  rateLimitStorm?: { until: number; kind: 'daily' | 'concurrent' };
  invalidSessionMidPaging?: { pagesLeft: number };
  holdQueries?: { callsLeft: number };
}

const QUERY_KINDS = new Set(['query', 'queryAll', 'queryMore']);
const WRITE_METHODS = new Set(['POST', 'PATCH', 'DELETE']);
const SOBJECT_PATH = /^\/services\/data\/[^/]+\/(sobjects|composite)\//;

/** Its middleware is the one place faults meet requests, for data and token calls alike. */
export class Faults extends FaultKnobs<typeof FAULT_ARGUMENTS, FaultState> implements FaultControls {
  constructor(
    delays: Delays,
    private readonly onExpireQueryLocators: () => void,
  ) {
    super(FAULT_ARGUMENTS, delays);
  }

  protected readonly turn: ProviderKnobTurns<typeof FAULT_ARGUMENTS> = {
    rateLimitStorm: ({ seconds, kind }) => (this.state.rateLimitStorm = { until: until(seconds), kind }),
    invalidSessionMidPaging: ({ afterPages }) => (this.state.invalidSessionMidPaging = { pagesLeft: afterPages }),
    expireQueryLocators: () => this.onExpireQueryLocators(),
    holdQueries: ({ afterCalls }) => (this.state.holdQueries = { callsLeft: afterCalls }),
  };

  protected readonly errors: KnobErrors<FaultState> = {
    rateLimitStorm: ({ kind }) =>
      apiError(403, 'REQUEST_LIMIT_EXCEEDED', kind === 'daily' ? 'TotalRequests Limit exceeded.' : 'ConcurrentRequests (Concurrent API Requests) Limit exceeded.'),
    serverErrors: (status) =>
      status === 503
        ? apiError(503, 'SERVER_UNAVAILABLE', 'Server is temporarily unavailable. Please try again later.')
        : apiError(500, 'UNKNOWN_EXCEPTION', `An unexpected error occurred. Please include this ErrorId if you contact support: ${Date.now()}-0 (-1)`),
    tokenEndpointErrors: (status) => oauthError(status, 'unknown_error', 'retry your request'),
    invalidGrant: () => oauthError(400, 'invalid_grant', 'expired access/refresh token'),
  };

  invalidSessionMidPaging(args: Args<'invalidSessionMidPaging'>): void {
    this.set('invalidSessionMidPaging', args);
  }
  expireQueryLocators(): void {
    this.set('expireQueryLocators', {});
  }
  holdQueries(args: Args<'holdQueries'>): void {
    this.set('holdQueries', args);
  }
  heldQueries(): number {
    return this.heldRequestCount();
  }

  /** sObject writes: create, update, delete. */
  protected override isWrite(method: string, path: string): boolean {
    return WRITE_METHODS.has(method) && SOBJECT_PATH.test(path);
  }

  /** Mounted before the other knobs' middleware, so a released call meets the org and sessions of its release. */
  holdMiddleware(): RequestHandler {
    return this.holdRequestsMiddleware(() => this.state.holdQueries, (kind) => QUERY_KINDS.has(kind));
  }

  /** A query's first page is `/query?q=` (or `/queryAll`); its next pages are queryMore calls on a locator. */
  protected override isFirstPage(_req: Request, kind: string): boolean {
    return kind === 'query' || kind === 'queryAll';
  }

  /** Only queryMore calls count down, so the failure lands between pages of one query. */
  protected override midPagingError(kind: string): SandboxHttpError | undefined {
    const midPaging = this.state.invalidSessionMidPaging;
    if (!midPaging || kind !== 'queryMore' || --midPaging.pagesLeft > 0) return undefined;
    delete this.state.invalidSessionMidPaging;
    return invalidSession();
  }
}
