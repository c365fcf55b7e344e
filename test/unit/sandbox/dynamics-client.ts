// Test helpers that talk to a running Dynamics sandbox over HTTP the way a Dataverse client would.
import type { DynamicsEnvironmentHandle, DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { DEFAULT_OPTIONS } from '../../../sandbox/dynamics/options';
import { call, type HttpResult, type Json } from './http-client';

export { REDIRECT_URI, pkcePair, sleep, type HttpResult } from './http-client';

export const CLIENT = { client_id: DEFAULT_OPTIONS.clientId, client_secret: DEFAULT_OPTIONS.clientSecret };

/** A Web API call with the headers every Dataverse client sends; `path` is below `/api/data/v9.2/` or a full URL. */
export function api(environment: DynamicsEnvironmentHandle, accessToken: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpResult> {
  const url = path.startsWith('http') ? path : `${environment.apiUrl}/${path}`;
  const json = init.body === undefined ? undefined : JSON.stringify(init.body);
  return call(url, { method: init.method, bearer: accessToken, json, headers: { accept: 'application/json', 'odata-maxversion': '4.0', 'odata-version': '4.0', ...init.headers } });
}

/** Follows @odata.nextLink to the end with the same Prefer header, as the docs ask; returns every page. */
export async function allPages(environment: DynamicsEnvironmentHandle, accessToken: string, path: string, prefer: string): Promise<HttpResult[]> {
  const pages = [await api(environment, accessToken, path, { headers: { prefer } })];
  for (let last = pages[0]; last.status === 200 && last.body['@odata.nextLink']; last = pages[pages.length - 1]) {
    pages.push(await api(environment, accessToken, last.body['@odata.nextLink'], { headers: { prefer } }));
  }
  return pages;
}

export function token(sandbox: DynamicsSandbox, params: Record<string, string>, tenant = 'organizations'): Promise<HttpResult> {
  return call(`${sandbox.url}/${tenant}/oauth2/v2.0/token`, { method: 'POST', form: { ...CLIENT, ...params } });
}

export const scopeFor = (environment: DynamicsEnvironmentHandle, permission = '.default') => `${environment.url}/${permission} offline_access`;

/** Decodes a JWT's claims without checking the signature, as clients read `tid` and `aud`. */
export function claims(jwt: string): Json {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}
