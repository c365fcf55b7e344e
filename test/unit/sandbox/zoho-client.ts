// Test helpers that talk to a running Zoho sandbox over HTTP the way a Zoho CRM client would.
import type { ZohoSandbox } from '../../../sandbox/zoho/server';

export const REDIRECT_URI = 'http://localhost:3000/oauth/callback';

// Bodies are asserted on field by field, so the helpers hand them out loosely typed.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpResult {
  status: number;
  headers: Headers;
  body: Json;
  text: string;
}

export async function read(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Left as text: HTML pages and truncated JSON are not JSON.
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A CRM API call with `Authorization: Zoho-oauthtoken …`; `path` is below `/crm/v8/`, `apiDomain` the token's. */
export async function crm(apiDomain: string, accessToken: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; scheme?: string } = {}): Promise<HttpResult> {
  return read(
    await fetch(`${apiDomain}/crm/v8/${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `${init.scheme ?? 'Zoho-oauthtoken'} ${accessToken}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  );
}

/** `POST {accountsServer}/oauth/v2/token` with the sandbox app's credentials, parameters in the form body. */
export async function token(sandbox: ZohoSandbox, accountsServer: string, params: Record<string, string>): Promise<HttpResult> {
  return read(
    await fetch(`${accountsServer}/oauth/v2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: sandbox.clientId, client_secret: sandbox.clientSecret, ...params }).toString(),
    }),
  );
}

export const refresh = (sandbox: ZohoSandbox, accountsServer: string, refreshToken: string) => token(sandbox, accountsServer, { grant_type: 'refresh_token', refresh_token: refreshToken });

/** Follows `info.next_page_token` to the end (the first call's query repeated, `page` left out); returns every page. */
export async function allPages(apiDomain: string, accessToken: string, path: string, headers: Record<string, string> = {}): Promise<HttpResult[]> {
  const pages = [await crm(apiDomain, accessToken, path, { headers })];
  for (let last = pages[0]; last.status === 200 && last.body.info.next_page_token; last = pages[pages.length - 1]) {
    const next = path.replace(/([?&])page=\d+&?/, '$1').replace(/[?&]$/, '');
    pages.push(await crm(apiDomain, accessToken, `${next}${next.includes('?') ? '&' : '?'}page_token=${last.body.info.next_page_token}`, { headers }));
  }
  return pages;
}

export async function control(sandbox: ZohoSandbox, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return read(await fetch(`${sandbox.url}/__sandbox${path}`, { method, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) }));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
