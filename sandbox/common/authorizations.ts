// Authorization requests on their way from the authorize page to the token endpoint: consent pages waiting for a
// click, then single-use codes; both expire after the same lifetime, on the clock the provider's sandbox judges by.
import { randomBytes } from 'node:crypto';
import type { Clock } from './clock';

/** What every provider's authorize request carries; each adds the scopes it asked for. */
export interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  codeChallenge: string | undefined;
}

type Expiring<T> = T & { expiresAt: number };

export interface CodeFormat {
  /** Codes look like the provider's: this prefix, then `bytes` random bytes in base64url. */
  prefix: string;
  bytes: number;
}

const randomText = (bytes: number) => randomBytes(bytes).toString('base64url');

/** The redirect URI with the answer's parameters added; undefined ones (a missing `state`) are left out. */
export function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

export class PendingAuthorizations<Request extends AuthorizationRequest> {
  private readonly codes = new Map<string, Expiring<Request>>();
  /** Consent pages waiting for a click; the form carries only the ticket so its fields cannot be tampered with. */
  private readonly consents = new Map<string, Expiring<Request>>();

  constructor(
    private readonly lifetimeMs: number,
    private readonly codeFormat: CodeFormat,
    /** The sandbox's clock where a test can move it (advancing it past the lifetime expires codes), else the wall clock. */
    private readonly clock: Clock,
  ) {}

  /** Where to send the browser once the user allowed: back to the app with a new code. */
  approve(request: Request): string {
    const code = `${this.codeFormat.prefix}${randomText(this.codeFormat.bytes)}`;
    this.codes.set(code, this.expiring(request));
    return redirectWith(request.redirectUri, { code, state: request.state });
  }

  /** Keeps the request until the user answers the consent page; returns the ticket the page carries. */
  awaitConsent(request: Request): string {
    const ticket = randomText(24);
    this.consents.set(ticket, this.expiring(request));
    return ticket;
  }

  /** The request behind a consent ticket, once; undefined when the ticket is unknown, used or expired. */
  takeConsent(ticket: string | undefined): Request | undefined {
    const pending = ticket ? this.consents.get(ticket) : undefined;
    if (!ticket || !pending || this.clock.now() >= pending.expiresAt) return undefined;
    this.consents.delete(ticket);
    const { expiresAt: _expiresAt, ...request } = pending;
    return request as unknown as Request;
  }

  /**
   * The request a code was issued for, spending the code, and whether it had expired: the caller words that error
   * apart from an unknown code's, as its provider does.
   */
  takeCode(code: string | undefined): (Request & { expired: boolean }) | undefined {
    const issued = code ? this.codes.get(code) : undefined;
    if (!code || !issued) return undefined;
    this.codes.delete(code);
    const { expiresAt, ...request } = issued;
    return { ...(request as unknown as Request), expired: this.clock.now() >= expiresAt };
  }

  private expiring(request: Request): Expiring<Request> {
    return { ...request, expiresAt: this.clock.now() + this.lifetimeMs };
  }
}
