// A customer's browser following a connect link, without a browser: the connect screen's form posted as a current
// browser posts it, the provider's consent (the sandbox's, auto-approved), and the callback with the browser's cookie.
import type { TestStack } from './test-stack';

/** Connect pressed on the link's screen: its form posts the link's parameters to the link's path, same-origin. */
export function pressConnect(connectUrl: string): Promise<Response> {
  const url = new URL(connectUrl);
  return fetch(`${url.origin}${url.pathname}`, {
    method: 'POST',
    redirect: 'manual',
    headers: { 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams(url.searchParams),
  });
}

/** A new connect session, Connect pressed, the provider's consent: the callback URL, not yet followed, and the cookie. */
export async function signInThroughConnectLink(
  stack: TestStack,
  session: { integration: string; connectionId: string } & Record<string, unknown>,
): Promise<{ callbackUrl: string; cookie: string }> {
  const created = await stack.api('POST', '/connect-sessions', session);
  if (created.status !== 201) throw new Error(`connect session: ${created.status} ${JSON.stringify(created.body)}`);
  const toProvider = await pressConnect(created.body.connectUrl);
  const back = await fetch(toProvider.headers.get('location') as string, { redirect: 'manual' });
  return { callbackUrl: back.headers.get('location') as string, cookie: (toProvider.headers.get('set-cookie') as string).split(';')[0] };
}

/** The whole flow, the callback followed: its answer (200 connected, 409 refused, …). */
export async function connectThroughLink(stack: TestStack, session: { integration: string; connectionId: string } & Record<string, unknown>): Promise<Response> {
  const { callbackUrl, cookie } = await signInThroughConnectLink(stack, session);
  return fetch(callbackUrl, { headers: { cookie }, redirect: 'manual' });
}
