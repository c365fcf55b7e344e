// Fault injection every sandbox shares: knobs a test turns by name, each clearing itself, and the middleware that
// applies them. Each provider names its own knobs and words the errors they cause.
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { z } from 'zod';
import type { Delays } from './delays';
import { HeldAnswers } from './held-answers';
import { HeldRequests, type HoldCountdown } from './held-requests';
import { controlError, fieldProblems, type SandboxHttpError } from './errors';
import type { RequestArea } from './request-tags';

// Shared so every knob in every sandbox reads shares, durations and counts the same way.
export const share = z.number().min(0).max(1);
export const seconds = z.number().positive();
export const count = z.number().int().positive();

/** Knobs whose arguments read the same in every sandbox; the others differ in the statuses or policies they offer. */
export const COMMON_FAULT_ARGUMENTS = {
  slowResponses: z.strictObject({ delayMs: z.number().int().nonnegative(), share: share.default(1), seconds: seconds.optional() }),
  truncatedJson: z.strictObject({ share: share.default(1), count: count.optional() }),
  invalidGrant: z.strictObject({ count: count.optional() }),
  slowFirstPage: z.strictObject({ delayMs: z.number().int().nonnegative(), count: count.optional() }),
  holdWriteAnswers: z.strictObject({}),
};

/** One of the HTTP statuses a provider answers a failure with; `usual` when a test names none. */
function statusAmong<const Status extends number>(statuses: readonly [Status, ...Status[]], usual: NoInfer<Status>) {
  const literals = statuses.map((status) => z.literal(status)) as [z.ZodLiteral<Status>, ...z.ZodLiteral<Status>[]];
  return z.union(literals).default(usual);
}

/** `serverErrors`: a share of data calls fail, for a while or until cleared, with one of the provider's 5xx. */
export function serverErrorsArguments<const Status extends number>(statuses: readonly [Status, ...Status[]], usual: NoInfer<Status>) {
  return z.strictObject({ share, seconds: seconds.optional(), status: statusAmong(statuses, usual) });
}

/** `tokenEndpointErrors`: the next `count` token requests fail with one of the provider's 5xx. */
export function tokenEndpointErrorsArguments<const Status extends number>(statuses: readonly [Status, ...Status[]], usual: NoInfer<Status>) {
  return z.strictObject({ count, status: statusAmong(statuses, usual) });
}

/** `failNextRequests`, as the sandboxes that word it this way take it: a 5xx, a hang then a dropped connection, or a reset. */
export function failNextRequestsArguments(usual: 500 | 502 | 503 | 504) {
  return z.strictObject({
    count,
    failure: z.union([z.literal(500), z.literal(502), z.literal(503), z.literal(504), z.literal('timeout'), z.literal('reset')]).default(usual),
    /** For 'timeout': how long the connection hangs before it is dropped unanswered. */
    delayMs: z.number().int().nonnegative().default(30_000),
  });
}

/** A hold knob's arguments (`holdQueries`, `holdReads`, `holdLists`): how many matching calls still go through first. */
export const holdArguments = z.strictObject({ afterCalls: z.number().int().nonnegative() });

/** A mid-paging knob's arguments: the Nth next-page call from now is the one that fails. */
export const midPagingArguments = z.strictObject({ afterPages: count });

/** The checked arguments of the knobs every sandbox has, whatever statuses and defaults the provider's schemas give. */
interface CommonKnobValues {
  serverErrors: { share: number; seconds?: number; status: number };
  slowResponses: { delayMs: number; share: number; seconds?: number };
  truncatedJson: { share: number; count?: number };
  invalidGrant: { count?: number };
  tokenEndpointErrors: { count: number; status: number };
  slowFirstPage: { delayMs: number; count?: number };
  holdWriteAnswers: Record<string, never>;
}
type CommonKnob = keyof CommonKnobValues;

/** A provider's knob schemas by name: the common knobs (and a rate-limit storm, worded its own way) and its own. */
export type KnobArguments = Record<string, z.ZodType> & { [Name in CommonKnob]: z.ZodType<CommonKnobValues[Name]> } & { rateLimitStorm: z.ZodType };

/** How each of the provider's own knobs (and its rate-limit storm), with checked arguments, becomes state. */
export type ProviderKnobTurns<Arguments extends KnobArguments> = {
  [Name in Exclude<keyof Arguments, CommonKnob>]: (args: z.output<Arguments[Name]>) => void;
};

type Input<Arguments extends KnobArguments, Name extends keyof Arguments> = z.input<Arguments[Name]>;

/** The knob methods every sandbox has; a provider adds its own knobs and those whose effect it words its own way. */
export interface CommonFaultControls<Arguments extends KnobArguments> {
  /** Turns a knob by name with unchecked arguments (the control API's path); bad arguments throw a 400 naming the field. */
  set(name: keyof Arguments & string, args: unknown): void;
  serverErrors(args: Input<Arguments, 'serverErrors'>): void;
  slowResponses(args: Input<Arguments, 'slowResponses'>): void;
  /** 200 with the JSON body cut in half. */
  truncatedJson(args?: Input<Arguments, 'truncatedJson'>): void;
  tokenEndpointErrors(args: Input<Arguments, 'tokenEndpointErrors'>): void;
  /** Only the first page of a query or listing answers late (a slow query plan, a cold cache); later pages are quick. */
  slowFirstPage(args: Input<Arguments, 'slowFirstPage'>): void;
  /**
   * Writes are carried out, then their answers wait unsent until `clear()`: the record exists at the provider while
   * the caller has not heard so, the window a crash mid-write falls in.
   */
  holdWriteAnswers(): void;
  /** How many write answers are waiting on `holdWriteAnswers`. */
  heldWriteAnswers(): number;
  clear(): void;
  /** Names of the knobs that are on, for the control API and debugging. */
  active(): string[];
}

interface Window {
  until: number;
}

/** The state of the knobs every sandbox has; a provider's state adds its own. */
export interface CommonFaultState {
  rateLimitStorm?: Window;
  serverErrors?: Window & { share: number; status: number };
  slowResponses?: Window & { share: number; delayMs: number };
  truncatedJson?: { share: number; left: number };
  invalidGrant?: { left: number };
  tokenEndpointErrors?: { left: number; status: number };
  slowFirstPage?: { delayMs: number; left: number };
  holdWriteAnswers?: true;
  /** Only in the sandboxes that have the knob; each turns its own arguments into this. */
  failNextRequests?: { left: number; failure: number | 'timeout' | 'reset'; delayMs: number };
}

/** The error each common knob answers with, in the provider's words. */
export interface KnobErrors<State extends CommonFaultState> {
  rateLimitStorm(storm: NonNullable<State['rateLimitStorm']>): SandboxHttpError;
  serverErrors(status: number): SandboxHttpError;
  tokenEndpointErrors(status: number): SandboxHttpError;
  invalidGrant(): SandboxHttpError;
}

/**
 * What the knobs do is the same everywhere (when they fire, how they count down, when they expire); a subclass adds
 * its own knobs and says which error each knob answers with.
 */
export abstract class FaultKnobs<Arguments extends KnobArguments, State extends CommonFaultState> implements CommonFaultControls<Arguments> {
  protected state = {} as State;
  protected abstract readonly turn: ProviderKnobTurns<Arguments>;
  protected abstract readonly errors: KnobErrors<State>;
  private readonly heldAnswers = new HeldAnswers();
  private readonly heldRequests = new HeldRequests();

  constructor(
    private readonly knobArguments: Arguments,
    private readonly delays: Delays,
  ) {}

  /** How the common knobs, with checked arguments, become state; no duration or count means "until clear()". */
  private readonly commonTurns: { [Name in CommonKnob]: (args: CommonKnobValues[Name]) => void } = {
    serverErrors: ({ share, seconds, status }) => (this.commonState.serverErrors = { until: until(seconds), share, status }),
    slowResponses: ({ delayMs, share, seconds }) => (this.commonState.slowResponses = { until: until(seconds), share, delayMs }),
    truncatedJson: ({ share, count }) => (this.commonState.truncatedJson = { share, left: count ?? Infinity }),
    invalidGrant: ({ count }) => (this.commonState.invalidGrant = { left: count ?? Infinity }),
    tokenEndpointErrors: ({ count, status }) => (this.commonState.tokenEndpointErrors = { left: count, status }),
    slowFirstPage: ({ delayMs, count }) => (this.commonState.slowFirstPage = { delayMs, left: count ?? Infinity }),
    holdWriteAnswers: () => (this.commonState.holdWriteAnswers = true),
  };

  /** Where the common knobs write: `state` itself, typed as its common part alone. */
  private get commonState(): CommonFaultState {
    return this.state;
  }

  set(name: keyof Arguments & string, raw: unknown): void {
    const parsed = this.knobArguments[name].safeParse(raw ?? {});
    if (!parsed.success) throw controlError(400, `invalid arguments for fault ${name}`, fieldProblems(parsed.error));
    const turns = (name in this.commonTurns ? this.commonTurns : this.turn) as Record<string, (args: unknown) => void>;
    turns[name](parsed.data);
  }

  rateLimitStorm(args: Input<Arguments, 'rateLimitStorm'>): void {
    this.set('rateLimitStorm', args);
  }
  serverErrors(args: Input<Arguments, 'serverErrors'>): void {
    this.set('serverErrors', args);
  }
  slowResponses(args: Input<Arguments, 'slowResponses'>): void {
    this.set('slowResponses', args);
  }
  truncatedJson(args?: Input<Arguments, 'truncatedJson'>): void {
    this.set('truncatedJson', args);
  }
  invalidGrant(args?: Input<Arguments, 'invalidGrant'>): void {
    this.set('invalidGrant', args);
  }
  tokenEndpointErrors(args: Input<Arguments, 'tokenEndpointErrors'>): void {
    this.set('tokenEndpointErrors', args);
  }
  slowFirstPage(args: Input<Arguments, 'slowFirstPage'>): void {
    this.set('slowFirstPage', args);
  }
  holdWriteAnswers(): void {
    this.set('holdWriteAnswers', {});
  }
  heldWriteAnswers(): number {
    return this.heldAnswers.count;
  }

  /** Turning every knob off also sends the held write answers, then lets held calls go on against the data as it now is. */
  clear(): void {
    this.state = {} as State;
    this.heldAnswers.releaseAll();
    this.heldRequests.releaseAll();
  }

  /** Lets each write `isWrite` picks run, then keeps its answer while `holdWriteAnswers` is on. */
  holdWriteAnswersMiddleware(): RequestHandler {
    return this.heldAnswers.middleware(
      () => this.state.holdWriteAnswers === true,
      (method, path) => this.isWrite(method, path),
    );
  }

  /** For a provider's hold knob: from its countdown on, the calls of the kinds it `matches` wait until `clear()`. */
  protected holdRequestsMiddleware(countdown: () => HoldCountdown | undefined, matches: (kind: string) => boolean): RequestHandler {
    return this.heldRequests.middleware(countdown, matches);
  }

  /** How many calls a provider's hold knob keeps waiting. */
  protected heldRequestCount(): number {
    return this.heldRequests.count;
  }

  /**
   * For the sandboxes with a `failNextRequests` knob, mounted where the provider checks it: the next calls fail with
   * the provider's 5xx, hang and then lose their connection unanswered, or are reset at once.
   */
  failNextRequestsMiddleware(): RequestHandler {
    return async (req, _res, next) => {
      const failing = this.state.failNextRequests;
      if (!failing) return next();
      if (--failing.left <= 0) delete this.state.failNextRequests;
      if (failing.failure === 'reset') return req.socket.destroy();
      if (failing.failure === 'timeout') {
        await this.delays.wait(failing.delayMs);
        return req.socket.destroy();
      }
      next(this.errors.serverErrors(failing.failure));
    };
  }

  active(): string[] {
    this.expireWindows();
    return Object.keys(this.state);
  }

  /** `res.locals.area` and `res.locals.kind` say what the request is; where it is mounted is the server's choice. */
  middleware(): RequestHandler {
    return async (req: Request, res: Response, next: NextFunction) => {
      const area = res.locals.area as RequestArea;
      const kind = res.locals.kind as string;
      this.expireWindows();
      if (area === 'data') {
        const slow = this.state.slowResponses;
        if (slow && hit(slow.share)) await this.delays.wait(slow.delayMs);
        const slowFirst = this.state.slowFirstPage;
        if (slowFirst && this.isFirstPage(req, kind)) {
          if (--slowFirst.left <= 0) delete this.state.slowFirstPage;
          await this.delays.wait(slowFirst.delayMs);
        }
        const storm = this.state.rateLimitStorm;
        if (storm) return next(this.errors.rateLimitStorm(storm));
        const errors = this.state.serverErrors;
        if (errors && hit(errors.share)) return next(this.errors.serverErrors(errors.status));
        const midPaging = this.midPagingError(kind);
        if (midPaging) return next(midPaging);
        if (this.state.truncatedJson) this.truncateNextBody(res);
      } else if (area === 'token') {
        const tokenErrors = this.state.tokenEndpointErrors;
        if (tokenErrors) {
          if (--tokenErrors.left <= 0) delete this.state.tokenEndpointErrors;
          return next(this.errors.tokenEndpointErrors(tokenErrors.status));
        }
        const invalidGrant = this.state.invalidGrant;
        if (invalidGrant && kind === 'token.refresh_token') {
          if (--invalidGrant.left <= 0) delete this.state.invalidGrant;
          return next(this.errors.invalidGrant());
        }
      }
      next();
    };
  }

  /** Whether a request writes at the provider (what `holdWriteAnswers` holds the answer of). */
  protected abstract isWrite(method: string, path: string): boolean;

  /** Whether a data request asks for the first page of a query or listing (not a next page of one). */
  protected abstract isFirstPage(req: Request, kind: string): boolean;

  /** The provider's one-off failure in the middle of paging, when its knob is on and this request is the one. */
  protected abstract midPagingError(kind: string): SandboxHttpError | undefined;

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

/** When a knob turned with `seconds` turns itself off. */
export function until(seconds: number | undefined): number {
  return seconds === undefined ? Infinity : Date.now() + seconds * 1000;
}

function hit(probability: number): boolean {
  return probability >= 1 || Math.random() < probability;
}
