// The browser connect flow against the real stack: connect session → /oauth/connect → the sandbox's authorize →
// /oauth/callback. The happy path connects and syncs; every way it can go wrong ends on an error page and changes nothing.
import { randomBytes } from 'node:crypto';
import { hashOneTimeToken } from '../../../oauth/one-time-token';
import { COLLECTIONS } from '../../../store/database';
import { waitForRunAfter } from '../../support/assertions';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { connectionStateQuery } from '../../../workflows';

const MINUTE = 60_000;

interface Answer {
  status: number;
  location: string | null;
  cookie: string | null;
  /** The whole Set-Cookie header, attributes included. */
  setCookie: string | null;
  text: string;
  contentType: string | null;
}

describe('connecting an account through the browser', () => {
  let stack: TestStack;
  /** The connect flow's clock runs this far ahead of the real one: tokens and states expire without waiting. */
  let clockOffsetMs = 0;

  async function get(url: string, cookie?: string | null): Promise<Answer> {
    const response = await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} });
    return {
      status: response.status,
      location: response.headers.get('location'),
      // name=value only, as a browser would send it back.
      cookie: response.headers.get('set-cookie')?.split(';')[0] ?? null,
      setCookie: response.headers.get('set-cookie'),
      text: await response.text(),
      contentType: response.headers.get('content-type'),
    };
  }

  /**
   * The customer presses Connect on the connect screen: its form posts the link's parameters to the link's path. By
   * default as a current browser does (`Sec-Fetch-Site: same-origin`); `headers` replace that, `fields` add to the form.
   */
  async function pressConnect(connectUrl: string, headers: Record<string, string> = { 'sec-fetch-site': 'same-origin' }, fields: Record<string, string> = {}): Promise<Answer> {
    const url = new URL(connectUrl);
    const response = await fetch(`${url.origin}${url.pathname}`, {
      method: 'POST',
      redirect: 'manual',
      headers,
      body: new URLSearchParams({ ...Object.fromEntries(url.searchParams), ...fields }),
    });
    return {
      status: response.status,
      location: response.headers.get('location'),
      cookie: response.headers.get('set-cookie')?.split(';')[0] ?? null,
      setCookie: response.headers.get('set-cookie'),
      text: await response.text(),
      contentType: response.headers.get('content-type'),
    };
  }

  async function newSession(connectionId: string, extra: Record<string, unknown> = {}) {
    const session = await stack.api('POST', '/connect-sessions', { integration: 'sf', connectionId, ...extra });
    expect(session.status).toBe(201);
    return session.body as { token: string; expiresAt: string; connectUrl: string };
  }

  /**
   * The browser opens the connect URL (the connect screen), the customer presses Connect, and the browser follows
   * the provider's consent (auto-approved): where the callback is.
   */
  async function throughConsent(connectUrl: string): Promise<{ toProvider: Answer; callbackUrl: URL; cookie: string }> {
    expect((await get(connectUrl)).status).toBe(200);
    const toProvider = await pressConnect(connectUrl);
    expect([toProvider.status, toProvider.text]).toEqual([303, '']);
    const back = await get(toProvider.location as string);
    expect(back.status).toBe(302);
    return { toProvider, callbackUrl: new URL(back.location as string), cookie: toProvider.cookie as string };
  }

  async function connectThroughBrowser(connectionId: string, extra: Record<string, unknown> = {}): Promise<Answer> {
    const { callbackUrl, cookie } = await throughConsent((await newSession(connectionId, extra)).connectUrl);
    return get(callbackUrl.toString(), cookie);
  }

  async function connectionExists(connectionId: string): Promise<boolean> {
    return (await stack.api('GET', `/connections/${connectionId}`)).status === 200;
  }

  function expectErrorPage(answer: Answer, status: number, says: RegExp): void {
    expect([answer.status, answer.contentType]).toEqual([status, expect.stringMatching(/^text\/html/)]);
    expect(answer.text).toMatch(says);
  }

  beforeAll(async () => {
    stack = await startTestStack({
      name: 'connect-flow',
      sandbox: { autoConsent: true },
      connectFlow: { now: () => Date.now() + clockOffsetMs },
    });
    stack.sandbox.seed('Contact', 12);
    stack.sandbox.seed('Account', 3);
    for (const [key, scopes] of [['sf', undefined], ['sf-custom-scopes', ['api', 'refresh_token', 'id']]] as const) {
      const created = await stack.api('POST', '/integrations', { ...stack.salesforceIntegration(key), ...(scopes ? { scopes } : {}) });
      expect(created.status).toBe(201);
    }
  });
  afterEach(() => {
    clockOffsetMs = 0;
    stack.sandbox.setOptions({ autoConsent: true });
  });
  afterAll(() => stack?.close());

  it('when the customer completes the flow, the connection is created and its first sync lands', async () => {
    const session = await newSession('acme');
    expect(new Date(session.expiresAt).getTime() - Date.now()).toBeGreaterThan(14 * MINUTE);
    const connectUrl = new URL(session.connectUrl);
    expect(`${connectUrl.origin}${connectUrl.pathname}`).toBe(`${stack.apiUrl}/oauth/connect/sf`);
    expect(Object.fromEntries(connectUrl.searchParams)).toEqual({ connectionId: 'acme', connectToken: session.token });
    // Only the token's hash is stored.
    const stored = await stack.database.db.collection(COLLECTIONS.connectSessions).find({}).toArray();
    expect(stored.map((s) => s._id)).toEqual([hashOneTimeToken(session.token)]);
    expect(JSON.stringify(stored)).not.toContain(session.token);

    const { callbackUrl, cookie } = await throughConsent(session.connectUrl);
    const done = await get(callbackUrl.toString(), cookie);
    expect([done.status, done.contentType]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    expect(done.text).toMatch(/Connected/);
    for (const secret of [session.token, callbackUrl.searchParams.get('code'), callbackUrl.searchParams.get('state')]) {
      expect(done.text).not.toContain(secret);
    }
    // The state is spent and gone.
    expect(await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({})).toBe(0);

    const run = await waitForRunAfter(stack, 'acme', 'contacts', null);
    expect([run.status, run.added]).toEqual(['succeeded', 12]);
    expect((await stack.api('GET', '/connections/acme')).body).toMatchObject({ integration: 'sf', status: 'active', credentials: { state: 'valid' } });
  });

  it("sends the browser to the provider with the integration's scopes, the callback as redirect_uri, a state and S256 PKCE", async () => {
    const { toProvider } = await throughConsent((await newSession('scoped')).connectUrl);
    const authorize = new URL(toProvider.location as string);
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`${stack.sandbox.url}/services/oauth2/authorize`);
    const query = Object.fromEntries(authorize.searchParams);
    expect(query).toEqual({
      response_type: 'code',
      client_id: 'sandbox-client-id',
      redirect_uri: `${stack.apiUrl}/oauth/callback`,
      scope: 'api refresh_token', // the provider's default scopes
      state: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
      code_challenge_method: 'S256',
      // Salesforce's catalog entry: the customer always sees the consent page, even for an app approved before.
      prompt: 'consent',
    });
    // Stored: the state's hash, and the verifier sealed (never in clear).
    const [pending] = await stack.database.db.collection(COLLECTIONS.oauthStates).find({ connectionId: 'scoped' }).toArray();
    expect(pending._id).toBe(hashOneTimeToken(query.state));
    expect(pending.codeVerifier).toEqual({ keyId: 'k1', iv: expect.any(String), tag: expect.any(String), data: expect.any(String) });
    // The cookie binding the state to this browser is HttpOnly and scoped to /oauth.
    const setCookie = (await pressConnect((await newSession('scoped-cookie')).connectUrl)).setCookie;
    expect(setCookie).toMatch(/; Path=\/oauth; Max-Age=600; HttpOnly; SameSite=Lax$/);

    const custom = await stack.api('POST', '/connect-sessions', { integration: 'sf-custom-scopes', connectionId: 'custom' });
    const customAuthorize = new URL((await pressConnect(custom.body.connectUrl)).location as string);
    expect(customAuthorize.searchParams.get('scope')).toBe('api refresh_token id');
  });

  it('the sandbox enforces the PKCE pair: a code exchanged with the verifier of another authorization fails and changes nothing', async () => {
    const first = await throughConsent((await newSession('pkce')).connectUrl);
    const second = await throughConsent((await newSession('pkce')).connectUrl);
    // The first authorization's code with the second one's state (and so its verifier): a stolen-code injection.
    const injected = new URL(second.callbackUrl);
    injected.searchParams.set('code', first.callbackUrl.searchParams.get('code') as string);
    const answer = await get(injected.toString(), second.cookie);
    expectErrorPage(answer, 400, /refused to finish the sign-in \(invalid_grant: invalid code verifier\)/);
    expect(await connectionExists('pkce')).toBe(false);
  });

  it('a replayed state ends on an error page and changes nothing; of two simultaneous callbacks only one connects', async () => {
    const { callbackUrl, cookie } = await throughConsent((await newSession('replayed')).connectUrl);
    expect((await get(callbackUrl.toString(), cookie)).status).toBe(200);
    const before = await stack.store.connections.readCredentials('replayed');

    const replay = await get(callbackUrl.toString(), cookie);
    expectErrorPage(replay, 404, /unknown or was already completed/);
    const after = await stack.store.connections.readCredentials('replayed');
    expect(after).toEqual(before);

    const raced = await throughConsent((await newSession('raced')).connectUrl);
    const answers = await Promise.all([get(raced.callbackUrl.toString(), raced.cookie), get(raced.callbackUrl.toString(), raced.cookie)]);
    // The loser's state is spent, whenever it arrived: the same page as a replay, never an attempt to use the code again.
    expect(answers.map((a) => a.status).sort()).toEqual([200, 404]);
    expectErrorPage(answers.find((a) => a.status === 404) as Answer, 404, /unknown or was already completed/);
    expect((await stack.store.connections.readCredentials('raced')).generation).toBe(1);
  });

  it('a forged state, or a real one from another browser, ends on an error page and changes nothing', async () => {
    const { callbackUrl, cookie } = await throughConsent((await newSession('forged')).connectUrl);
    const forged = new URL(callbackUrl);
    forged.searchParams.set('state', randomBytes(32).toString('base64url'));
    expectErrorPage(await get(forged.toString(), cookie), 404, /unknown or was already completed/);

    // The real state and code, but without the cookie of the browser that started: someone else's browser.
    const elsewhere = await get(callbackUrl.toString());
    expectErrorPage(elsewhere, 400, /started in another browser/);
    expect(await connectionExists('forged')).toBe(false);

    expectErrorPage(await get(`${stack.apiUrl}/oauth/callback?code=abc`), 400, /has no state/);
  });

  it('an expired state ends on an error page and changes nothing', async () => {
    const { callbackUrl, cookie } = await throughConsent((await newSession('slow')).connectUrl);
    clockOffsetMs = 11 * MINUTE;
    expectErrorPage(await get(callbackUrl.toString(), cookie), 404, /took too long and expired/);
    expect(await connectionExists('slow')).toBe(false);
  });

  it('when the customer denies access, the error page says so, nothing changes, and the state is spent', async () => {
    stack.sandbox.setOptions({ autoConsent: false });
    const toProvider = await pressConnect((await newSession('denied')).connectUrl);
    const consent = await get(toProvider.location as string);
    expect(consent.text).toMatch(/Allow Access\?/);
    const ticket = /name="ticket" value="([^"]+)"/.exec(consent.text)?.[1] as string;
    const denied = await fetch(`${stack.sandbox.url}/services/oauth2/authorize`, {
      method: 'POST',
      redirect: 'manual',
      body: new URLSearchParams({ ticket, decision: 'deny' }),
    });
    const callbackUrl = new URL(denied.headers.get('location') as string);
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');

    const answer = await get(callbackUrl.toString(), toProvider.cookie);
    expectErrorPage(answer, 400, /Salesforce did not grant access \(access_denied: end-user denied authorization\)/);
    expect(await connectionExists('denied')).toBe(false);
    // The provider's error spent the state: it cannot be used with a code afterwards.
    const retried = new URL(callbackUrl);
    retried.searchParams.delete('error');
    retried.searchParams.delete('error_description');
    retried.searchParams.set('code', 'aPrxanything');
    expectErrorPage(await get(retried.toString(), toProvider.cookie), 404, /unknown or was already completed/);
  });

  it('a code the provider refuses, or a missing code, ends on an error page that echoes nothing unescaped', async () => {
    const refused = await throughConsent((await newSession('refused')).connectUrl);
    const bogus = new URL(refused.callbackUrl);
    bogus.searchParams.set('code', 'aPrx-not-a-code');
    expectErrorPage(await get(bogus.toString(), refused.cookie), 400, /refused to finish the sign-in \(invalid_grant: authentication failure\)/);
    expect(await connectionExists('refused')).toBe(false);

    const missing = await throughConsent((await newSession('missing-code')).connectUrl);
    const noCode = new URL(missing.callbackUrl);
    noCode.searchParams.delete('code');
    expectErrorPage(await get(noCode.toString(), missing.cookie), 400, /sent no authorization code/);

    const hostile = await throughConsent((await newSession('hostile')).connectUrl);
    const script = new URL(hostile.callbackUrl);
    script.searchParams.delete('code');
    script.searchParams.set('error', '<script>alert(1)</script>');
    const page = await get(script.toString(), hostile.cookie);
    expectErrorPage(page, 400, /&#60;script&#62;alert\(1\)&#60;\/script&#62;/);
    expect(page.text).not.toContain('<script>');
    expect(await connectionExists('missing-code')).toBe(false);
    expect(await connectionExists('hostile')).toBe(false);
  });

  // A link or state that names no usable sign-in is a 404 page (issue 25: schema-valid, so not a 400); a malformed one a 400.
  it('a connect token that is missing, wrong, for another connection or integration, expired or used answers 4xx and starts nothing', async () => {
    const connect = (path: string) => get(`${stack.apiUrl}${path}`);
    const session = await newSession('tokened');
    const token = encodeURIComponent(session.token);

    expectErrorPage(await connect('/oauth/connect/sf?connectionId=tokened'), 400, /connectToken/);
    expectErrorPage(await connect(`/oauth/connect/sf?connectionId=tokened&connectToken=${randomBytes(32).toString('base64url')}`), 404, /cannot be used/);
    const otherConnection = await connect(`/oauth/connect/sf?connectionId=someone-else&connectToken=${token}`);
    expectErrorPage(otherConnection, 404, /cannot be used/);
    expect(otherConnection.text).not.toContain(session.token);
    expectErrorPage(await connect(`/oauth/connect/sf-custom-scopes?connectionId=tokened&connectToken=${token}`), 404, /cannot be used/);

    // The failed attempts did not spend it, and neither do any number of GETs: the right POST works, once.
    expect((await get(session.connectUrl)).status).toBe(200);
    expect((await pressConnect(session.connectUrl)).status).toBe(303);
    expectErrorPage(await get(session.connectUrl), 404, /cannot be used/);
    expectErrorPage(await pressConnect(session.connectUrl), 404, /cannot be used/);

    const late = await newSession('tokened');
    clockOffsetMs = 16 * MINUTE;
    expectErrorPage(await get(late.connectUrl), 404, /cannot be used/);
    expectErrorPage(await pressConnect(late.connectUrl), 404, /cannot be used/);
    // Only the one good open left a state behind.
    expect(await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({ connectionId: 'tokened' })).toBe(1);
  });

  it('re-connecting a connection in auth_error replaces its credentials, makes it active, and it syncs again', async () => {
    expect((await connectThroughBrowser('comeback')).status).toBe(200);
    const firstRun = await waitForRunAfter(stack, 'comeback', 'contacts', null);
    const before = await stack.store.connections.readCredentials('comeback');

    // The customer revokes the app at Salesforce; the next sync's refresh fails for good.
    stack.sandbox.revokeGrant(before.credentials.refreshToken);
    expect((await stack.api('POST', '/connections/comeback/sync', { models: ['contacts'] })).status).toBe(202);
    await eventually(async () => (await stack.api('GET', '/connections/comeback')).body.status === 'auth_error', { what: 'auth_error' });
    const failedRun = await waitForRunAfter(stack, 'comeback', 'contacts', firstRun.runId);
    expect(failedRun.status).toBe('failed');

    // The app sends the customer through the flow again, back to the app's own page.
    const done = await connectThroughBrowser('comeback', { redirectUrl: 'https://app.example/settings?tab=salesforce' });
    expect(done.status).toBe(302);
    expect(Object.fromEntries(new URL(done.location as string).searchParams)).toEqual({ tab: 'salesforce', connectionId: 'comeback', status: 'connected' });

    const after = await stack.store.connections.readCredentials('comeback');
    expect(after.generation).toBeGreaterThan(before.generation);
    expect(after.credentials.refreshToken).not.toBe(before.credentials.refreshToken);
    expect((await stack.api('GET', '/connections/comeback')).body).toMatchObject({ status: 'active', statusReason: null, credentials: { state: 'valid', lastError: null } });
    // The workflow heard it too: it takes sync requests again (in auth_error it would not run them).
    const state = await stack.temporal.workflow.getHandle(stack.workflowId('comeback')).query<{ status: string; credentials: { generation: number } }>('connectionState');
    expect(state).toMatchObject({ status: 'active', credentials: { generation: after.generation } });

    // Reconnecting wakes it: the model whose run failed while parked syncs at once, without being asked.
    const again = await waitForRunAfter(stack, 'comeback', 'contacts', failedRun.runId);
    expect(again.status).toBe('succeeded');
    // And the app hears about both ends of it.
    const auth = stack.receiver.received.map((r) => r.event).filter((e) => e.type === 'auth' && e.connectionId === 'comeback');
    expect(auth.map((e) => e.type === 'auth' && [e.operation, e.success])).toEqual([
      ['creation', true],
      ['refresh', false],
      ['reauthorization', true],
    ]);
  });

  it('re-connecting a connection whose workflow has ended starts the workflow again', async () => {
    expect((await connectThroughBrowser('ended')).status).toBe(200);
    const firstRun = await waitForRunAfter(stack, 'ended', 'contacts', null);
    await stack.temporal.workflow.getHandle(stack.workflowId('ended')).terminate('operator ended it');

    expect((await connectThroughBrowser('ended')).status).toBe(200);
    const description = await stack.temporal.workflow.getHandle(stack.workflowId('ended')).describe();
    expect(description.status.name).toBe('RUNNING');
    const again = await waitForRunAfter(stack, 'ended', 'contacts', firstRun.runId);
    expect(again.status).toBe('succeeded');
    // The restarted workflow announces a re-authorisation, not a second creation.
    await stack.receiver.waitFor((received) => received.some((r) => r.event.type === 'auth' && r.event.connectionId === 'ended' && r.event.operation === 'reauthorization'));
    const auth = stack.receiver.received.map((r) => r.event).filter((e) => e.type === 'auth' && e.connectionId === 'ended');
    expect(auth.map((e) => e.type === 'auth' && e.operation)).toEqual(['creation', 'reauthorization']);
  });

  it('re-connecting a paused connection whose workflow has ended restarts it paused, with its paused models', async () => {
    expect((await connectThroughBrowser('sleeper')).status).toBe(200);
    await waitForRunAfter(stack, 'sleeper', 'contacts', null);
    expect((await stack.api('PATCH', '/connections/sleeper', { paused: true, syncs: { contacts: { paused: true } } })).status).toBe(200);
    await stack.temporal.workflow.getHandle(stack.workflowId('sleeper')).terminate('operator ended it');

    expect((await connectThroughBrowser('sleeper')).status).toBe(200);
    // The app paused it; a reconnect restores the workflow, not a schedule the app turned off.
    const state = await stack.temporal.workflow.getHandle(stack.workflowId('sleeper')).query(connectionStateQuery);
    expect({ paused: state.paused, status: state.status, contactsPaused: state.models.contacts?.paused }).toEqual({
      paused: true,
      status: 'paused',
      contactsPaused: true,
    });
    const view = await stack.api('GET', '/connections/sleeper');
    expect([view.body.status, view.body.paused, view.body.syncs.contacts.paused]).toEqual(['paused', true, true]);
  });

  it("the connect URL shows the connect screen and spends nothing: a link scanner's GET, then the customer's Connect, still connects", async () => {
    const session = await newSession('scanned');
    // A mail gateway opens the link first, more than once.
    const scanned = await get(session.connectUrl);
    await get(session.connectUrl);
    expect([scanned.status, scanned.contentType]).toEqual([200, expect.stringMatching(/^text\/html/)]);
    // Its one cookie is the screen's nonce, for the form to echo: sent back only by pages of this site, to the form's path.
    expect(scanned.setCookie).toMatch(/^tributary_screen_[0-9a-f]{16}=[A-Za-z0-9_-]{43}; Path=\/oauth\/connect; Max-Age=(89\d|900); HttpOnly; SameSite=Strict$/);
    expect(await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({ connectionId: 'scanned' })).toBe(0);
    // The screen: the app, the provider, what will be read in plain words, and a form posting the link back.
    expect(scanned.text).toMatch(/<html lang="en">/);
    expect(scanned.text).toMatch(/<h1>Connect your Salesforce account<\/h1>/);
    expect(scanned.text).toMatch(/<p class="app">Tributary<\/p>/);
    expect(scanned.text).toMatch(/<li>read your Salesforce records such as contacts and accounts<\/li>\s*<li>keep access until you disconnect<\/li>/);
    expect(scanned.text).toMatch(/<form method="post" action="\/oauth\/connect\/sf"/);
    expect(scanned.text).toMatch(/<button type="submit">Connect Salesforce<\/button>/);
    expect(scanned.text).not.toMatch(/<script|<link|src=|url\(/i);
    const headers = (await fetch(session.connectUrl)).headers;
    expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(headers.get('cache-control')).toBe('no-store');

    // Later the customer presses Connect, and the rest of the flow works as ever.
    const toProvider = await pressConnect(session.connectUrl);
    expect(toProvider.status).toBe(303);
    const back = await get(toProvider.location as string);
    const done = await get(back.location as string, toProvider.cookie);
    expect([done.status, done.text]).toEqual([200, expect.stringMatching(/<h1>Connected<\/h1>/)]);
    expect(await connectionExists('scanned')).toBe(true);
  });

  it('a connect form posted by another site is refused with a 403 page, spends nothing and sets no cookie; the link still connects', async () => {
    const session = await newSession('injected');
    const statesBefore = await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({ connectionId: 'injected' });

    // An attacker's page auto-submits the attacker's own connect link from the victim's browser.
    const crossSite = await pressConnect(session.connectUrl, { origin: 'https://attacker.example', 'sec-fetch-site': 'cross-site' });
    expectErrorPage(crossSite, 403, /did not come from Tributary&#39;s connect screen, so nothing was done/);
    expect(crossSite.setCookie).toBeNull();
    expect(crossSite.location).toBeNull();
    // Refused the same way: a sibling site, and an older browser without Sec-Fetch-Site that names the other origin.
    expectErrorPage(await pressConnect(session.connectUrl, { 'sec-fetch-site': 'same-site' }), 403, /did not come from/);
    expectErrorPage(await pressConnect(session.connectUrl, { origin: 'https://attacker.example' }), 403, /did not come from/);
    // Neither header (a proxy stripped them) and no echo of the screen's cookie: nothing proves it came from the screen.
    expectErrorPage(await pressConnect(session.connectUrl, {}), 403, /did not come from/);
    expectErrorPage(await pressConnect(session.connectUrl, { origin: 'null' }), 403, /did not come from/);
    expect(await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({ connectionId: 'injected' })).toBe(statesBefore);

    // Nothing was spent: the link still opens the screen, and the customer's own Connect still connects.
    const screen = await get(session.connectUrl);
    expect(screen.status).toBe(200);
    const toProvider = await pressConnect(session.connectUrl);
    expect(toProvider.status).toBe(303);
    const back = await get(toProvider.location as string);
    expect((await get(back.location as string, toProvider.cookie)).status).toBe(200);
    expect(await connectionExists('injected')).toBe(true);
  });

  it("a browser that sends neither Sec-Fetch-Site nor Origin connects by echoing its screen's SameSite=Strict cookie; an older one by its Origin", async () => {
    const fromScreen = async (connectUrl: string) => {
      const screen = await get(connectUrl);
      const nonce = /name="screenNonce" value="([^"]+)"/.exec(screen.text)?.[1] as string;
      expect(screen.cookie).toBe(`${screen.cookie?.split('=')[0]}=${nonce}`);
      return { cookie: screen.cookie as string, nonce };
    };
    const first = await newSession('echoed');
    const { cookie, nonce } = await fromScreen(first.connectUrl);
    // The echo without the cookie (another site's form: a Strict cookie does not come along), or the cookie without
    // the echo, proves nothing.
    expectErrorPage(await pressConnect(first.connectUrl, {}, { screenNonce: nonce }), 403, /did not come from/);
    expectErrorPage(await pressConnect(first.connectUrl, { cookie }), 403, /did not come from/);
    expectErrorPage(await pressConnect(first.connectUrl, { cookie }, { screenNonce: 'x'.repeat(43) }), 403, /did not come from/);
    // The cookie of another link's screen does not count for this one.
    const other = await fromScreen((await newSession('echoed-other')).connectUrl);
    expectErrorPage(await pressConnect(first.connectUrl, { cookie: other.cookie }, { screenNonce: other.nonce }), 403, /did not come from/);
    // Cookie and echo together: the screen's own form, with `Origin: null` as our no-referrer pages make browsers send.
    expect((await pressConnect(first.connectUrl, { cookie, origin: 'null' }, { screenNonce: nonce })).status).toBe(303);

    // A browser from before Sec-Fetch-Site that sends the public URL's origin.
    const second = await newSession('echoed');
    expect((await pressConnect(second.connectUrl, { origin: new URL(stack.apiUrl).origin })).status).toBe(303);
  });

  it('a connection stays with its Salesforce org: a re-authorisation into another org is refused, keeps the old credentials and sends an auth webhook', async () => {
    expect((await connectThroughBrowser('bound')).status).toBe(200);
    expect((await stack.api('GET', '/connections/bound')).body.accountId).toBe(stack.sandbox.orgId);
    const before = await stack.store.connections.readCredentials('bound');

    // The customer (or whoever got the link) signs into another org.
    const otherOrg = '00D000000OTHERA';
    stack.sandbox.setOptions({ signInOrgId: otherOrg });
    const refused = await connectThroughBrowser('bound');
    expectErrorPage(refused, 409, new RegExp(`belongs to another Salesforce organization.*organization ${otherOrg}.*organization ${stack.sandbox.orgId}`));
    expect(refused.text).toMatch(/Nothing was changed/);
    expect(await stack.store.connections.readCredentials('bound')).toEqual(before);
    expect((await stack.api('GET', '/connections/bound')).body).toMatchObject({ accountId: stack.sandbox.orgId, status: 'active' });

    await stack.receiver.waitFor((received) =>
      received.some((r) => r.event.type === 'auth' && r.event.connectionId === 'bound' && r.event.operation === 'reauthorization'),
    );
    const event = stack.receiver.received.find((r) => r.event.type === 'auth' && r.event.connectionId === 'bound' && r.event.operation === 'reauthorization')?.event;
    expect(event).toMatchObject({ success: false, error: expect.stringMatching(new RegExp(`^account mismatch: .*${otherOrg}.*${stack.sandbox.orgId}`)) });
    const raw = JSON.stringify(event);
    for (const secret of [before.credentials.refreshToken, before.credentials.accessToken as string]) expect(raw).not.toContain(secret);

    // The same org again is an ordinary re-authorisation.
    stack.sandbox.setOptions({ signInOrgId: stack.sandbox.orgId });
    expect((await connectThroughBrowser('bound')).status).toBe(200);
    expect((await stack.store.connections.readCredentials('bound')).generation).toBe(before.generation + 1);

    // A connect session that allows the change moves it, and the connection says so.
    stack.sandbox.setOptions({ signInOrgId: otherOrg });
    expect((await connectThroughBrowser('bound', { allowAccountChange: true })).status).toBe(200);
    expect((await stack.api('GET', '/connections/bound')).body.accountId).toBe(otherOrg);
    stack.sandbox.setOptions({ signInOrgId: null });
  });

  it('rejects query operators and unknown fields with 400, and a connection of another integration with 409', async () => {
    const operatorBody = await stack.api('POST', '/connect-sessions', { integration: { $ne: null }, connectionId: 'ops' });
    expect(operatorBody.status).toBe(400);
    expect(operatorBody.body.error.fields.map((f: { field: string }) => f.field)).toEqual(['body.integration']);
    expect((await stack.api('POST', '/connect-sessions', { integration: 'sf', connectionId: 'ops', redirectUrl: 'javascript:alert(1)' })).status).toBe(400);
    // A well-formed integration key that names none is a 404 naming the field (issue 25: not a 400).
    const unknownIntegration = await stack.api('POST', '/connect-sessions', { integration: 'nope', connectionId: 'ops' });
    expect([unknownIntegration.status, unknownIntegration.body.error.fields]).toEqual([404, [{ field: 'body.integration', message: 'integration "nope" does not exist' }]]);

    expectErrorPage(await get(`${stack.apiUrl}/oauth/connect/sf?connectionId=ops&connectToken[$ne]=x`), 400, /connectToken/);
    expectErrorPage(await get(`${stack.apiUrl}/oauth/connect/sf?connectionId[$ne]=x&connectToken=x`), 400, /connectionId/);
    expectErrorPage(await get(`${stack.apiUrl}/oauth/callback?state[$ne]=x&code=x`), 400, /has no state/);
    // A form no connect screen sends (too many fields) is bad input, not a server error.
    const tooManyFields = new URLSearchParams(Array.from({ length: 12 }, (_, i): [string, string] => [`f${i}`, 'x']));
    const form = await fetch(`${stack.apiUrl}/oauth/connect/sf`, { method: 'POST', body: tooManyFields });
    expectErrorPage({ status: form.status, contentType: form.headers.get('content-type'), text: await form.text() } as Answer, 400, /form could not be read/);
    expectErrorPage(await get(`${stack.apiUrl}/oauth/callback?state=a&state=b&code=x`), 400, /state/);

    // "acme" belongs to "sf": another integration cannot take it over.
    const takeover = await stack.api('POST', '/connect-sessions', { integration: 'sf-custom-scopes', connectionId: 'acme' });
    expect([takeover.status, takeover.body.error.code]).toEqual([409, 'conflict']);
  });
});
