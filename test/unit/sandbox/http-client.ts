// What every sandbox test client builds on: one loosely typed answer (JSON when the body parses), calls with a
// bearer token, a JSON body or a form, the control API, consent pages, PKCE pairs.
import { createHash, randomBytes } from 'node:crypto';

/** Bodies are asserted on field by field, so the helpers hand them out loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Json = any;

export interface HttpResult<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export const REDIRECT_URI = 'http://localhost:3000/oauth/callback';

export async function read<T = Json>(response: Response): Promise<HttpResult<T>> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Left as text: the truncated-JSON fault and HTML pages are not JSON.
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

export interface Call {
  /** Default GET. */
  method?: string;
  /** `Authorization: Bearer …`. */
  bearer?: string;
  /** Sent as JSON; a string is sent as it is, so a test can send JSON that does not parse. */
  json?: unknown;
  /** Sent form-encoded. */
  form?: Record<string, string>;
  /** Added last: they win over the ones the call sets. */
  headers?: Record<string, string>;
  /** 'manual' to see a redirect instead of following it. */
  redirect?: 'follow' | 'manual';
}

export async function call<T = Json>(url: string, init: Call = {}): Promise<HttpResult<T>> {
  const headers: Record<string, string> = init.bearer ? { authorization: `Bearer ${init.bearer}` } : {};
  let body: string | undefined;
  if (init.form) {
    headers['content-type'] = 'application/x-www-form-urlencoded';
    body = new URLSearchParams(init.form).toString();
  } else if (init.json !== undefined) {
    headers['content-type'] = 'application/json';
    body = typeof init.json === 'string' ? init.json : JSON.stringify(init.json);
  }
  return read<T>(await fetch(url, { method: init.method ?? 'GET', headers: { ...headers, ...init.headers }, body, redirect: init.redirect }));
}

/** The control API under `/__sandbox` of the host that serves it (`sandbox.url`). */
export function controlCall<T = Json>(sandboxUrl: string, method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
  return call<T>(`${sandboxUrl}/__sandbox${path}`, { method, json: body });
}

/** Answers a consent page: posts its ticket and the decision back to `authorizeUrl`, and returns the redirect unfollowed. */
export function decideConsent(authorizeUrl: string, pageHtml: string, decision: 'allow' | 'deny'): Promise<HttpResult> {
  const ticket = /name="ticket" value="([^"]+)"/.exec(pageHtml)?.[1] ?? '';
  return call(authorizeUrl, { method: 'POST', form: { ticket, decision }, redirect: 'manual' });
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
