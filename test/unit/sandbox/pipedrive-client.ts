// Test helpers that talk to a running Pipedrive sandbox over HTTP the way a Pipedrive client would, and a loopback
// receiver for its webhooks that records each delivery with its Basic credentials.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PipedriveSandbox } from '../../../sandbox/pipedrive/server';
import { REDIRECT_URI, call, controlCall, sleep, type HttpResult, type Json } from './http-client';

export { REDIRECT_URI, sleep, type HttpResult } from './http-client';

export const PIPEDRIVE_CLIENT = { id: 'pipedrive-sandbox-client-id', secret: 'pipedrive-sandbox-client-secret' };

export const basicAuth = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** POST /oauth/token as Pipedrive wants it: form body, client credentials in HTTP Basic. */
export function pdToken(sandbox: PipedriveSandbox, params: Record<string, string>, headers: Record<string, string> = {}): Promise<HttpResult> {
  return call(`${sandbox.url}/oauth/token`, { method: 'POST', form: params, headers: { authorization: basicAuth(PIPEDRIVE_CLIENT.id, PIPEDRIVE_CLIENT.secret), ...headers } });
}

/** A call on a company host (`apiDomain` from the token answer). */
export function pdApi(apiDomain: string, method: string, path: string, accessToken?: string, body?: unknown): Promise<HttpResult> {
  return call(`${apiDomain}${path}`, { method, bearer: accessToken, json: body === undefined ? undefined : JSON.stringify(body) });
}

export function pdControl(sandbox: PipedriveSandbox, method: string, path: string, body?: unknown): Promise<HttpResult> {
  return controlCall(sandbox.url, method, path, body === undefined ? undefined : JSON.stringify(body));
}

/** Runs authorize with auto consent and returns the code from the redirect. */
export async function authorizationCode(sandbox: PipedriveSandbox): Promise<string> {
  const response = await call(`${sandbox.url}/oauth/authorize?${new URLSearchParams({ client_id: PIPEDRIVE_CLIENT.id, redirect_uri: REDIRECT_URI, state: 'xyz' })}`, { redirect: 'manual' });
  const code = new URL(response.headers.get('location') ?? 'http://invalid/').searchParams.get('code');
  if (!code) throw new Error(`no code in redirect: ${response.status}`);
  return code;
}

/** Every page of a v2 list, following `additional_data.next_cursor` until it is null. */
export async function listAll(apiDomain: string, accessToken: string, path: string, startCursor: string | null = null): Promise<{ pages: HttpResult[]; items: Json[] }> {
  const pages: HttpResult[] = [];
  let cursor: string | null = startCursor;
  do {
    const separator = path.includes('?') ? '&' : '?';
    const page = await pdApi(apiDomain, 'GET', cursor === null ? path : `${path}${separator}cursor=${encodeURIComponent(cursor)}`, accessToken);
    if (page.status !== 200) throw new Error(`page ${pages.length + 1}: ${page.status} ${page.text}`);
    pages.push(page);
    cursor = page.body.additional_data.next_cursor;
  } while (cursor !== null);
  return { pages, items: pages.flatMap((page) => page.body.data) };
}

export interface Delivery {
  body: Json;
  authorization: string | undefined;
  at: number;
}

export interface WebhookInbox {
  url: string;
  deliveries: Delivery[];
  /** Answer this status instead of 200 (null: 200). */
  failWith: number | null;
  waitFor(predicate: (deliveries: Delivery[]) => boolean, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export async function startWebhookInbox(): Promise<WebhookInbox> {
  const inbox: WebhookInbox = {
    url: '',
    deliveries: [],
    failWith: null,
    async waitFor(predicate, timeoutMs = 10_000) {
      const deadline = Date.now() + timeoutMs;
      while (!predicate(inbox.deliveries)) {
        if (Date.now() > deadline) throw new Error(`webhook inbox: condition not met in ${timeoutMs} ms; got ${JSON.stringify(inbox.deliveries.map((d) => d.body.meta))}`);
        await sleep(20);
      }
    },
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    }),
  };
  const server: Server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      inbox.deliveries.push({ body: JSON.parse(Buffer.concat(chunks).toString('utf8')), authorization: req.headers.authorization, at: Date.now() });
      res.statusCode = inbox.failWith ?? 200;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  inbox.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/pipedrive/webhooks`;
  return inbox;
}

