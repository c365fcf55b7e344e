// Test helpers that talk to a running Zoho sandbox over HTTP the way a Zoho CRM client would.
import type { ZohoSandbox } from '../../../sandbox/zoho/server';
import { call, controlCall, type HttpResult } from './http-client';

export { REDIRECT_URI, read, sleep, type HttpResult } from './http-client';

/** A CRM API call with `Authorization: Zoho-oauthtoken …`; `path` is below `/crm/v8/`, `apiDomain` the token's. */
export function crm(apiDomain: string, accessToken: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown; scheme?: string } = {}): Promise<HttpResult> {
  const json = init.body === undefined ? undefined : JSON.stringify(init.body);
  return call(`${apiDomain}/crm/v8/${path}`, { method: init.method, json, headers: { authorization: `${init.scheme ?? 'Zoho-oauthtoken'} ${accessToken}`, ...init.headers } });
}

/** `POST {accountsServer}/oauth/v2/token` with the sandbox app's credentials, parameters in the form body. */
export function token(sandbox: ZohoSandbox, accountsServer: string, params: Record<string, string>): Promise<HttpResult> {
  return call(`${accountsServer}/oauth/v2/token`, { method: 'POST', form: { client_id: sandbox.clientId, client_secret: sandbox.clientSecret, ...params } });
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

export function control(sandbox: ZohoSandbox, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return controlCall(sandbox.url, method, path, body === undefined ? undefined : JSON.stringify(body));
}
