// Test helpers that talk to a running sandbox over HTTP the way a Salesforce client would.
import { createHash, randomBytes } from 'node:crypto';
import type { SalesforceSandbox } from '../../../sandbox/salesforce/server';

export const CLIENT = { client_id: 'sandbox-client-id', client_secret: 'sandbox-client-secret' };
export const REDIRECT_URI = 'http://localhost:3000/oauth/callback';
export const API = '/services/data/v62.0';

/** Bodies are asserted on field by field, so the helpers hand them out loosely typed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

export interface HttpResult<T = Json> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

async function read<T>(response: Response): Promise<HttpResult<T>> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Left as text: the truncated-JSON fault and HTML pages are not JSON.
  }
  return { status: response.status, headers: response.headers, body: body as T, text };
}

export async function postForm<T = Json>(sandbox: SalesforceSandbox, path: string, params: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const response = await fetch(`${sandbox.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    body: new URLSearchParams(params).toString(),
    redirect: 'manual',
  });
  return read<T>(response);
}

export async function get<T = Json>(sandbox: SalesforceSandbox, path: string, accessToken?: string, headers: Record<string, string> = {}): Promise<HttpResult<T>> {
  const response = await fetch(`${sandbox.url}${path}`, {
    headers: { ...(accessToken ? { authorization: `Bearer ${accessToken}` } : {}), ...headers },
    redirect: 'manual',
  });
  return read<T>(response);
}

export async function control<T = Json>(sandbox: SalesforceSandbox, method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
  const response = await fetch(`${sandbox.url}/__sandbox${path}`, {
    method,
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
  });
  return read<T>(response);
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

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
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

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
