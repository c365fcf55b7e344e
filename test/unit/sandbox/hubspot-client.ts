// Test helpers that talk to a running HubSpot sandbox over HTTP the way a HubSpot client would.
import type { HubSpotSandbox } from '../../../sandbox/hubspot/server';

export const HUBSPOT_CLIENT = { client_id: 'hubspot-sandbox-client-id', client_secret: 'hubspot-sandbox-client-secret' };

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
    // Left as text: truncated JSON and HTML pages are not JSON.
  }
  return { status: response.status, headers: response.headers, body, text };
}

export async function hubGet(sandbox: HubSpotSandbox, path: string, accessToken?: string): Promise<HttpResult> {
  return read(await fetch(`${sandbox.url}${path}`, { headers: accessToken ? { authorization: `Bearer ${accessToken}` } : {}, redirect: 'manual' }));
}

export async function hubSearch(sandbox: HubSpotSandbox, object: string, accessToken: string, body: unknown): Promise<HttpResult> {
  return read(
    await fetch(`${sandbox.url}/crm/v3/objects/${object}/search`, {
      method: 'POST',
      headers: { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    }),
  );
}

export async function hubToken(sandbox: HubSpotSandbox, params: Record<string, string>): Promise<HttpResult> {
  return read(
    await fetch(`${sandbox.url}/oauth/v1/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ ...HUBSPOT_CLIENT, ...params }).toString(),
    }),
  );
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
