// Test helpers that talk to a running sandbox over HTTP the way a Salesforce client would.
import type { SalesforceSandbox } from '../../../sandbox/salesforce/server';
import { REDIRECT_URI, call, controlCall, type HttpResult, type Json } from './http-client';

export { REDIRECT_URI, pkcePair, sleep, type HttpResult } from './http-client';

export const CLIENT = { client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' };
export const API = '/services/data/v62.0';

export function postForm<T = Json>(sandbox: SalesforceSandbox, path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  return call<T>(`${sandbox.url}${path}`, { method: 'POST', form: params, headers, redirect: 'manual' });
}

export function get<T = Json>(sandbox: SalesforceSandbox, path: string, accessToken?: string, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  return call<T>(`${sandbox.url}${path}`, { bearer: accessToken, headers, redirect: 'manual' });
}

export function control<T = Json>(sandbox: SalesforceSandbox, method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
  return controlCall<T>(sandbox.url, method, path, body);
}

export function refresh(sandbox: SalesforceSandbox, refreshToken: string): Promise<HttpResult> {
  return postForm(sandbox, '/services/oauth2/token', { grant_type: 'refresh_token', refresh_token: refreshToken, ...CLIENT });
}

export function query(sandbox: SalesforceSandbox, accessToken: string, soql: string, opts: { all?: boolean; batchSize?: number } = {}): Promise<HttpResult> {
  const path = `${API}/${opts.all ? 'queryAll' : 'query'}?q=${encodeURIComponent(soql)}`;
  return get(sandbox, path, accessToken, opts.batchSize ? { 'Sforce-Query-Options': `batchSize=${opts.batchSize}` } : {});
}

/** Follows nextRecordsUrl to the end and returns every page. */
export async function queryAllPages(sandbox: SalesforceSandbox, accessToken: string, soql: string, opts: { all?: boolean; batchSize?: number } = {}): Promise<HttpResult[]> {
  const pages = [await query(sandbox, accessToken, soql, opts)];
  while (pages[pages.length - 1].status === 200 && pages[pages.length - 1].body.nextRecordsUrl) {
    pages.push(await get(sandbox, pages[pages.length - 1].body.nextRecordsUrl, accessToken));
  }
  return pages;
}

/** Runs authorize with auto consent and returns the code from the redirect. */
export async function authorizationCode(sandbox: SalesforceSandbox, params: Record<string, string> = {}): Promise<string> {
  const search = new URLSearchParams({ response_type: 'code', client_id: CLIENT.client_id, redirect_uri: REDIRECT_URI, state: 'xyz', ...params });
  const response = await get(sandbox, `/services/oauth2/authorize?${search.toString()}`);
  const location = new URL(response.headers.get('location') ?? 'http://invalid/');
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in redirect: ${response.status} ${location.toString()}`);
  return code;
}
