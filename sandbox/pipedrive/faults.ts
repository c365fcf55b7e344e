// Fault injection for the Pipedrive sandbox: knobs a test turns at run time, each clearing itself, with Pipedrive's
// errors — storms of 429s (or Cloudflare's HTML 403), 5xx and hung requests, a token dying mid-paging, held
// list calls, a closed account, and webhook duplicates or reordering.
import type { Request, RequestHandler } from 'express';
import { z } from 'zod';
import type { Delays } from '../common/delays';
import { COMMON_FAULT_ARGUMENTS, FaultKnobs, count, holdArguments, midPagingArguments, seconds, serverErrorsArguments, share, tokenEndpointErrorsArguments, until, type CommonFaultControls, type CommonFaultState, type KnobErrors, type ProviderKnobTurns } from '../common/faults';
import { CloudflareBlock, apiError, oauthError, tooManyRequests, unauthorized, type SandboxHttpError } from './errors';
import type { WebhookQuirks } from './webhook-sender';

export const FAULT_ARGUMENTS = {
  ...COMMON_FAULT_ARGUMENTS,
  rateLimitStorm: z.strictObject({ seconds, kind: z.enum(['burst', 'daily', 'cloudflare']).default('burst') }),
  serverErrors: serverErrorsArguments([500, 502, 503, 504], 503),
  tokenEndpointErrors: tokenEndpointErrorsArguments([500, 502, 503], 503),
  failNextRequests: z.strictObject({
    count,
    mode: z.enum(['status', 'timeout']).default('status'),
    status: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504)]).default(503),
    /** How long a "timeout" keeps the connection open before dropping it without an answer. */
    hangMs: z.number().int().nonnegative().default(15_000),
  }),
  expiredTokenMidPaging: midPagingArguments,
  holdLists: holdArguments,
  accountClosed: z.strictObject({}),
  webhookDuplicates: z.strictObject({ share }),
  webhookOutOfOrder: z.strictObject({ maxDelayMs: z.number().int().positive() }),
};

export type FaultName = keyof typeof FAULT_ARGUMENTS;
type Args<Name extends FaultName> = z.input<(typeof FAULT_ARGUMENTS)[Name]>;

/** Without `seconds` or `count` a knob stays on until `clear()`. Data knobs act on company hosts; token knobs on /oauth/token. */
export interface FaultControls extends CommonFaultControls<typeof FAULT_ARGUMENTS> {
  /** Every data call answers 429 (burst or daily: the x-ratelimit-* headers as usual, no Retry-After) or Cloudflare's HTML 403. */
  rateLimitStorm(args: Args<'rateLimitStorm'>): void;
  /** Refreshes answer 400 "Invalid grant" (the next `count`, or until cleared). */
  invalidGrant(args?: Args<'invalidGrant'>): void;
  /** The next `count` data calls fail: with a 5xx, or by hanging `hangMs` and dropping the connection unanswered. */
  failNextRequests(args: Args<'failNextRequests'>): void;
  /** The Nth list call that carries a cursor answers 401, once (the token lapsed between two pages). */
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void;
  /** After `afterCalls` more list calls, the next ones wait unanswered until `clear()` (change the data between pages). */
  holdLists(args: Args<'holdLists'>): void;
  heldLists(): number;
  /** Every data call answers 402: the company's subscription lapsed. */
  accountClosed(): void;
  /** A share of webhook deliveries arrives twice. */
  webhookDuplicates(args: Args<'webhookDuplicates'>): void;
  /** Each webhook's first attempt waits up to `maxDelayMs`, so events arrive out of order. */
  webhookOutOfOrder(args: Args<'webhookOutOfOrder'>): void;
}

interface FaultState extends CommonFaultState {
  rateLimitStorm?: { until: number; kind: 'burst' | 'daily' | 'cloudflare' };
  expiredTokenMidPaging?: { pagesLeft: number };
  holdLists?: { callsLeft: number };
  accountClosed?: true;
  webhookDuplicates?: { share: number };
  webhookOutOfOrder?: { maxDelayMs: number };
}

export class Faults extends FaultKnobs<typeof FAULT_ARGUMENTS, FaultState> implements FaultControls {
  constructor(
    delays: Delays,
    /** A storm's refusals count like the limiter's (stats, Cloudflare's patience). */
    private readonly onStormRefusal: (kind: 'burst' | 'daily' | 'cloudflare') => void,
  ) {
    super(FAULT_ARGUMENTS, delays);
  }

  protected readonly turn: ProviderKnobTurns<typeof FAULT_ARGUMENTS> = {
    rateLimitStorm: ({ seconds, kind }) => (this.state.rateLimitStorm = { until: until(seconds), kind }),
    // Pipedrive's knob names a mode and a status where the others name one failure; the effect is the same.
    failNextRequests: ({ count, mode, status, hangMs }) => (this.state.failNextRequests = { left: count, failure: mode === 'timeout' ? 'timeout' : status, delayMs: hangMs }),
    expiredTokenMidPaging: ({ afterPages }) => (this.state.expiredTokenMidPaging = { pagesLeft: afterPages }),
    holdLists: ({ afterCalls }) => (this.state.holdLists = { callsLeft: afterCalls }),
    accountClosed: () => (this.state.accountClosed = true),
    webhookDuplicates: ({ share }) => (this.state.webhookDuplicates = { share }),
    webhookOutOfOrder: ({ maxDelayMs }) => (this.state.webhookOutOfOrder = { maxDelayMs }),
  };

  protected readonly errors: KnobErrors<FaultState> = {
    rateLimitStorm: ({ kind }) => {
      this.onStormRefusal(kind);
      if (kind === 'cloudflare') return new CloudflareBlock();
      return tooManyRequests({ 'x-ratelimit-limit': '160', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': kind === 'daily' ? String(secondsToMidnight()) : '2' });
    },
    serverErrors: (status) => serverError(status),
    tokenEndpointErrors: (status) => oauthError(status, 'server_error', 'Internal server error'),
    invalidGrant: () => oauthError(400, 'invalid_grant', 'Invalid grant: refresh_token is invalid'),
  };

  failNextRequests(args: Args<'failNextRequests'>): void {
    this.set('failNextRequests', args);
  }
  expiredTokenMidPaging(args: Args<'expiredTokenMidPaging'>): void {
    this.set('expiredTokenMidPaging', args);
  }
  holdLists(args: Args<'holdLists'>): void {
    this.set('holdLists', args);
  }
  heldLists(): number {
    return this.heldRequestCount();
  }
  accountClosed(): void {
    this.set('accountClosed', {});
  }
  webhookDuplicates(args: Args<'webhookDuplicates'>): void {
    this.set('webhookDuplicates', args);
  }
  webhookOutOfOrder(args: Args<'webhookOutOfOrder'>): void {
    this.set('webhookOutOfOrder', args);
  }

  isAccountClosed(): boolean {
    return this.state.accountClosed === true;
  }

  webhookQuirks(): WebhookQuirks {
    return { duplicateShare: this.state.webhookDuplicates?.share ?? 0, maxReorderDelayMs: this.state.webhookOutOfOrder?.maxDelayMs ?? 0 };
  }

  /** Mounted before authentication, so a released call meets the sessions and data of its release. */
  holdListsMiddleware(): RequestHandler {
    return this.holdRequestsMiddleware(() => this.state.holdLists, (kind) => /\.list(\.next)?$/.test(kind));
  }

  protected override isWrite(method: string, path: string): boolean {
    return ['POST', 'PATCH', 'DELETE'].includes(method) && /^\/api\/v2\/(persons|organizations)(\/\d+)?\/?$/.test(path);
  }

  /** A list call without a cursor (kind `….list`; with one it is `….list.next`) asks for the first page. */
  protected override isFirstPage(_req: Request, kind: string): boolean {
    return kind.endsWith('.list');
  }

  /** Only list calls with a cursor count down, so the failure lands between two pages of one listing. */
  protected override midPagingError(kind: string): SandboxHttpError | undefined {
    const midPaging = this.state.expiredTokenMidPaging;
    if (!midPaging || !kind.endsWith('.list.next') || --midPaging.pagesLeft > 0) return undefined;
    delete this.state.expiredTokenMidPaging;
    return unauthorized();
  }
}

function serverError(status: number): SandboxHttpError {
  return apiError(status, status === 503 ? 'Service Unavailable' : status === 504 ? 'Gateway Timeout' : status === 502 ? 'Bad Gateway' : 'Internal server error');
}

function secondsToMidnight(): number {
  const now = new Date();
  return Math.ceil((Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1) - now.getTime()) / 1000);
}
