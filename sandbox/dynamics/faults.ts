// Fault injection for the Dynamics sandbox: knobs a test turns at run time, each clearing itself, answered with
// Dataverse's and the identity platform's own errors.
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { Delays } from '../common/delays';
import { COMMON_FAULT_ARGUMENTS, FaultKnobs, failNextRequestsArguments, holdArguments, midPagingArguments, seconds, serverErrorsArguments, tokenEndpointErrorsArguments, until, type CommonFaultControls, type CommonFaultState, type KnobErrors, type ProviderKnobTurns } from '../common/faults';
import { SERVICE_PROTECTION, aadError, dataverseError, throttled, type SandboxHttpError, type ServiceProtectionLimit } from './errors';

export const FAULT_ARGUMENTS = {
  ...COMMON_FAULT_ARGUMENTS,
  rateLimitStorm: z.strictObject({ seconds, limit: z.enum(['requests', 'executionTime', 'concurrency']).default('requests'), retryAfterSeconds: z.number().int().positive().default(2) }),
  serverErrors: serverErrorsArguments([500, 502, 503, 504], 503),
  failNextRequests: failNextRequestsArguments(503),
  expiredTokenMidPaging: midPagingArguments,
  expireDeltaTokens: z.strictObject({}),
  holdReads: holdArguments,
  tokenEndpointErrors: tokenEndpointErrorsArguments([500, 503], 503),
};

export type FaultName = keyof typeof FAULT_ARGUMENTS;
type Args<Name extends FaultName> = z.input<(typeof FAULT_ARGUMENTS)[Name]>;

/** Without `seconds` or `count` a knob stays on until `clear()`. Data knobs act on every environment's Web API. */
export interface FaultControls extends CommonFaultControls<typeof FAULT_ARGUMENTS> {
  /** 429 with the chosen limit's code and Retry-After on every data call for a while. */
  rateLimitStorm(args: Args<'rateLimitStorm'>): void;
  /** The next `count` data calls fail: with that status, by hanging then dropping the connection, or by a reset. */
  failNextRequests(args: Args<'failNextRequests'>): void;
  /** The Nth next-page call (a nextLink) from now answers 401, once, as if the token lapsed between pages. */
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void;
  /** Every delta token handed out so far answers "Version stamp associated with the client has expired". */
  expireDeltaTokens(): void;
  /** After `afterCalls` more reads (queries, next pages, delta links) the next ones wait until `clear()`. */
  holdReads(args: Args<'holdReads'>): void;
  heldReads(): number;
  /** Refreshes answer invalid_grant AADSTS50173 (the next `count`, or until cleared). */
  invalidGrant(args?: Args<'invalidGrant'>): void;
}

interface FaultState extends CommonFaultState {
  rateLimitStorm?: { until: number; limit: ServiceProtectionLimit; retryAfterSeconds: number };
  expiredTokenMidPaging?: { pagesLeft: number };
  holdReads?: { callsLeft: number };
}

const READ_KINDS = new Set(['list', 'nextPage', 'delta']);

export class Faults extends FaultKnobs<typeof FAULT_ARGUMENTS, FaultState> implements FaultControls {
  constructor(
    delays: Delays,
    private readonly onRefused: (code: string) => void,
    private readonly onExpireDeltaTokens: () => void,
    private readonly expiredToken: () => SandboxHttpError,
  ) {
    super(FAULT_ARGUMENTS, delays);
  }

  protected readonly turn: ProviderKnobTurns<typeof FAULT_ARGUMENTS> = {
    rateLimitStorm: ({ seconds, limit, retryAfterSeconds }) => (this.state.rateLimitStorm = { until: until(seconds), limit, retryAfterSeconds }),
    failNextRequests: ({ count, failure, delayMs }) => (this.state.failNextRequests = { left: count, failure, delayMs }),
    expiredTokenMidPaging: ({ afterPages }) => (this.state.expiredTokenMidPaging = { pagesLeft: afterPages }),
    expireDeltaTokens: () => this.onExpireDeltaTokens(),
    holdReads: ({ afterCalls }) => (this.state.holdReads = { callsLeft: afterCalls }),
  };

  protected readonly errors: KnobErrors<FaultState> = {
    rateLimitStorm: ({ limit, retryAfterSeconds }) => {
      // A storm's refusals count in the stats like the real limiter's.
      this.onRefused(SERVICE_PROTECTION[limit].code);
      const message = limit === 'requests' ? SERVICE_PROTECTION.requests.message(6000, 300) : limit === 'concurrency' ? SERVICE_PROTECTION.concurrency.message(52) : SERVICE_PROTECTION.executionTime.message();
      return throttled(limit, retryAfterSeconds, message);
    },
    serverErrors: (status) => serverError(status),
    tokenEndpointErrors: (status) => aadError(status, 'temporarily_unavailable', 90033, 'A transient error has occurred. Please try again.'),
    invalidGrant: () =>
      aadError(400, 'invalid_grant', 50173, "The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password."),
  };

  failNextRequests(args: Args<'failNextRequests'>): void {
    this.set('failNextRequests', args);
  }
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void {
    this.set('expiredTokenMidPaging', args);
  }
  expireDeltaTokens(): void {
    this.set('expireDeltaTokens', {});
  }
  holdReads(args: Args<'holdReads'>): void {
    this.set('holdReads', args);
  }
  heldReads(): number {
    return this.heldRequestCount();
  }

  /** Mounted before authentication: a held read meets the tokens and data of its release. */
  holdReadsMiddleware(): RequestHandler {
    return this.holdRequestsMiddleware(() => this.state.holdReads, (kind) => READ_KINDS.has(kind));
  }

  protected override isWrite(method: string, path: string): boolean {
    return ['POST', 'PATCH', 'DELETE'].includes(method) && path.startsWith('/api/data/');
  }

  protected override isFirstPage(_req: Request, kind: string): boolean {
    return kind === 'list';
  }

  /** Only next-page calls count down, so the failure lands between pages of one query. */
  protected override midPagingError(kind: string): SandboxHttpError | undefined {
    const midPaging = this.state.expiredTokenMidPaging;
    if (!midPaging || kind !== 'nextPage' || --midPaging.pagesLeft > 0) return undefined;
    delete this.state.expiredTokenMidPaging;
    return this.expiredToken();
  }
}

function serverError(status: number): SandboxHttpError {
  if (status === 500) return dataverseError(500, '0x80040216', 'An unexpected error occurred.');
  return dataverseError(status, '', status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : 'Bad Gateway');
}
