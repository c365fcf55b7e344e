// Fault injection for the HubSpot sandbox: knobs a test turns at run time, each clearing itself, with HubSpot's errors.
import type { Request } from 'express';
import { z } from 'zod';
import type { Delays } from '../common/delays';
import { COMMON_FAULT_ARGUMENTS, FaultKnobs, count, seconds, serverErrorsArguments, tokenEndpointErrorsArguments, until, type CommonFaultControls, type CommonFaultState, type KnobErrors, type ProviderKnobTurns } from '../common/faults';
import { crmError, expiredToken, rateLimited, tokenError, type RateLimitPolicy, type SandboxHttpError } from './errors';

export const FAULT_ARGUMENTS = {
  ...COMMON_FAULT_ARGUMENTS,
  rateLimitStorm: z.strictObject({ seconds, policy: z.enum(['TEN_SECONDLY_ROLLING', 'SECONDLY', 'DAILY']).default('TEN_SECONDLY_ROLLING') }),
  serverErrors: serverErrorsArguments([500, 502, 503, 504], 502),
  expiredTokenMidPaging: z.strictObject({ afterRequests: count }),
  tokenEndpointErrors: tokenEndpointErrorsArguments([500, 502, 503], 502),
};

export type FaultName = keyof typeof FAULT_ARGUMENTS;
type Args<Name extends FaultName> = z.input<(typeof FAULT_ARGUMENTS)[Name]>;

/** Without `seconds` or `count` a knob stays on until `clear()`. Data knobs act on /crm/v3; the others on the token endpoint. */
export interface FaultControls extends CommonFaultControls<typeof FAULT_ARGUMENTS> {
  /** 429 with the policy's body on every data call for a while. */
  rateLimitStorm(args: Args<'rateLimitStorm'>): void;
  /** The Nth data call from now answers 401 EXPIRED_AUTHENTICATION, once (as if the token lapsed mid-paging). */
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void;
  /** Refreshes answer 400 BAD_REFRESH_TOKEN (the next `count`, or until cleared). */
  invalidGrant(args?: Args<'invalidGrant'>): void;
}

interface FaultState extends CommonFaultState {
  rateLimitStorm?: { until: number; policy: RateLimitPolicy };
  expiredTokenMidPaging?: { left: number };
}

/** Its middleware runs after authentication on data calls (a storm refuses only callers HubSpot knows) and first on token calls. */
export class Faults extends FaultKnobs<typeof FAULT_ARGUMENTS, FaultState> implements FaultControls {
  constructor(
    delays: Delays,
    private readonly onRefused: (reason: string) => void,
  ) {
    super(FAULT_ARGUMENTS, delays);
  }

  protected readonly turn: ProviderKnobTurns<typeof FAULT_ARGUMENTS> = {
    rateLimitStorm: ({ seconds, policy }) => (this.state.rateLimitStorm = { until: until(seconds), policy }),
    expiredTokenMidPaging: ({ afterRequests }) => (this.state.expiredTokenMidPaging = { left: afterRequests }),
  };

  protected readonly errors: KnobErrors<FaultState> = {
    rateLimitStorm: ({ policy }) => {
      // A storm's refusals count in the stats like the real limiter's.
      this.onRefused(policy);
      return rateLimited(policy);
    },
    serverErrors: (status) => crmError(status, 'INTERNAL_ERROR', status === 500 ? 'internal error' : 'Bad gateway: the service is temporarily unavailable'),
    tokenEndpointErrors: (status) => crmError(status, 'INTERNAL_ERROR', 'internal error'),
    invalidGrant: () => tokenError(400, 'BAD_REFRESH_TOKEN', 'missing or invalid refresh token'),
  };

  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void {
    this.set('expiredTokenMidPaging', args);
  }
  /** CRM object writes (create, update, archive); a search is a POST too but writes nothing. */
  protected override isWrite(method: string, path: string): boolean {
    return ['POST', 'PATCH', 'DELETE'].includes(method) && path.startsWith('/crm/v3/objects/') && !/\/search\/?$/.test(path);
  }

  /** A listing or search without an `after` cursor asks for the first page. */
  protected override isFirstPage(req: Request, kind: string): boolean {
    if (kind === 'list') return req.query.after === undefined;
    if (kind === 'search') return (req.body as { after?: unknown } | undefined)?.after === undefined;
    return false;
  }

  /** Every data call counts down: HubSpot paging has no separate "next page" call. */
  protected override midPagingError(): SandboxHttpError | undefined {
    const expiring = this.state.expiredTokenMidPaging;
    if (!expiring || --expiring.left > 0) return undefined;
    delete this.state.expiredTokenMidPaging;
    return expiredToken();
  }
}
