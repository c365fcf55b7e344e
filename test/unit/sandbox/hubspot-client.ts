// Test helpers that talk to a running HubSpot sandbox over HTTP the way a HubSpot client would.
import type { HubSpotSandbox } from '../../../sandbox/hubspot/server';
import { call, type HttpResult } from './http-client';

export { sleep, type HttpResult } from './http-client';

export const HUBSPOT_CLIENT = { client_id: 'hubspot-sandbox-client-id', client_secret: 'hubspot-sandbox-client-secret' };

export function hubGet(sandbox: HubSpotSandbox, path: string, accessToken?: string): Promise<HttpResult> {
  return call(`${sandbox.url}${path}`, { bearer: accessToken, redirect: 'manual' });
}

export function hubSearch(sandbox: HubSpotSandbox, object: string, accessToken: string, body: unknown): Promise<HttpResult> {
  return call(`${sandbox.url}/crm/v3/objects/${object}/search`, { method: 'POST', bearer: accessToken, json: body });
}

export function hubToken(sandbox: HubSpotSandbox, params: Record<string, string>): Promise<HttpResult> {
  return call(`${sandbox.url}/oauth/v1/token`, { method: 'POST', form: { ...HUBSPOT_CLIENT, ...params } });
}
