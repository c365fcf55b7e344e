// Account injection in a real browser: another site's page auto-submits an attacker's connect link from the customer's
// Chromium. Tributary must refuse that POST (Chromium says `Sec-Fetch-Site: cross-site`), spend nothing, and the
// customer's own Connect must still work. Every server here listens on loopback; the "other site" is `localhost`,
// which a browser treats as a different site from `127.0.0.1`.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { escapeHtml } from '../../../api/html-pages';
import { COLLECTIONS } from '../../../store/database';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { startTestStack, type TestStack } from '../../support/test-stack';

const describeWithBrowser = describeWithChromium('cross-site connect browser test');

describeWithBrowser('a connect form another site makes the browser submit', () => {
  let stack: TestStack;
  let browser: Browser;
  let attacker: Server;
  let attackerUrl: string;
  /** The attacker's page: a hidden form posting the attacker's own connect link, submitted on load. */
  let attackForm = '';

  beforeAll(async () => {
    stack = await startTestStack({ name: 'connect-cross-site' });
    const created = await stack.api('POST', '/integrations', stack.salesforceIntegration());
    expect(created.status).toBe(201);
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(attackForm));
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    attackerUrl = `http://localhost:${(attacker.address() as AddressInfo).port}/`;
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => attacker?.close(resolve));
    await stack?.close();
  });

  it('is refused with a 403 page and spends nothing, even after the customer opened the screen; the link still connects', async () => {
    const session = await stack.api('POST', '/connect-sessions', { integration: 'salesforce-sandbox', connectionId: 'victim' });
    const connectUrl = new URL(session.body.connectUrl);
    const context = await browser.newContext();
    const page = await context.newPage();
    // The screen was opened in this browser before: its SameSite=Strict nonce cookie is there, and must not help.
    await page.goto(connectUrl.toString());
    await page.getByRole('button', { name: 'Connect Salesforce' }).waitFor();

    const fields = [...connectUrl.searchParams].map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`);
    attackForm = `<!doctype html><form method="post" action="${escapeHtml(`${connectUrl.origin}${connectUrl.pathname}`)}">${fields.join('')}</form><script>document.forms[0].submit()</script>`;
    const refused = page.waitForResponse((response) => response.request().method() === 'POST');
    await page.goto(attackerUrl);
    const answer = await refused;
    expect(answer.request().headers()['sec-fetch-site'] ?? (await answer.request().allHeaders())['sec-fetch-site']).toBe('cross-site');
    expect(answer.status()).toBe(403);
    expect(await answer.headerValue('set-cookie')).toBeNull();
    await page.getByRole('heading', { name: 'Could not connect your account' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/did not come from Tributary's connect screen, so nothing was done/);
    expect(await stack.database.db.collection(COLLECTIONS.oauthStates).countDocuments({ connectionId: 'victim' })).toBe(0);
    expect(page.url()).not.toContain(stack.sandbox.url);

    // The customer's own click on the same link still goes through Salesforce's consent page and connects.
    await page.goto(connectUrl.toString());
    await Promise.all([page.waitForURL(`${stack.sandbox.url}/**`), page.getByRole('button', { name: 'Connect Salesforce' }).click()]);
    await Promise.all([page.waitForURL(`${stack.apiUrl}/oauth/callback?**`), page.getByRole('button', { name: 'Allow' }).click()]);
    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    await context.close();
    expect((await stack.api('GET', '/connections/victim')).body).toMatchObject({ status: 'active', accountId: stack.sandbox.orgId });
  });
});
