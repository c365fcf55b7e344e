// Test helpers that talk to a running Dynamics sandbox over HTTP the way a Dataverse client would.
import { createHash, randomBytes } from 'node:crypto';
import type { DynamicsEnvironmentHandle, DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { DEFAULT_OPTIONS } from '../../../sandbox/dynamics/options';

export const CLIENT = { client_id: DEFAULT_OPTIONS.clientId, client_secret: DEFAULT_OPTIONS.clientSecret };
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

async function read(response: Response): Promise<HttpResult> {
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : undefined;
  } catch {
    // Left as text: HTML pages and truncated JSON are not JSON.
  }
  return { status: response.status, headers: response.headers, body, text };
}

/** A Web API call with the headers every Dataverse client sends; `path` is below `/api/data/v9.2/` or a full URL. */
export async function api(environment: DynamicsEnvironmentHandle, accessToken: string, path: string, init: { method?: string; headers?: Record<string, string>; body?: unknown } = {}): Promise<HttpResult> {
  const url = path.startsWith('http') ? path : `${environment.apiUrl}/${path}`;
  return read(
    await fetch(url, {
      method: init.method ?? 'GET',
      headers: {
        accept: 'application/json',
        'odata-maxversion': '4.0',
        'odata-version': '4.0',
        authorization: `Bearer ${accessToken}`,
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    }),
  );
}

/** Follows @odata.nextLink to the end with the same Prefer header, as the docs ask; returns every page. */
export async function allPages(environment: DynamicsEnvironmentHandle, accessToken: string, path: string, prefer: string): Promise<HttpResult[]> {
  const pages = [await api(environment, accessToken, path, { headers: { prefer } })];
  for (let last = pages[0]; last.status === 200 && last.body['@odata.nextLink']; last = pages[pages.length - 1]) {
    pages.push(await api(environment, accessToken, last.body['@odata.nextLink'], { headers: { prefer } }));
  }
  return pages;
}

export async function token(sandbox: DynamicsSandbox, params: Record<string, string>, tenant = 'organizations'): Promise<HttpResult> {
  return read(
    await fetch(`${sandbox.url}/${tenant}/oauth2/v2.0/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...CLIENT, ...params }).toString(),
    }),
  );
}

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(48).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const scopeFor = (environment: DynamicsEnvironmentHandle, permission = '.default') => `${environment.url}/${permission} offline_access`;

/** Decodes a JWT's claims without checking the signature, as clients read `tid` and `aud`. */
export function claims(jwt: string): Json {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8'));
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
