// A customer connecting their account in a real browser: the app's connect URL → Tributary's connect screen (a click
// on Connect) → the sandbox Salesforce's consent page (a click on Allow) → the result page, and then the first sync lands.
// Screenshots of the three pages go to .data/screenshots (UPDATE_SCREENSHOTS=1: to docs/, where the README shows them).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitForRunAfter } from '../../support/assertions';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { startTestStack, type TestStack } from '../../support/test-stack';

const describeWithBrowser = describeWithChromium('connect browser test');
const SCREENSHOTS = join(__dirname, '../../..', process.env.UPDATE_SCREENSHOTS ? 'docs' : '.data/screenshots');

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const png = await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(png.length).toBeGreaterThan(1000);
}

describeWithBrowser('a customer connects their account in the browser', () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    // The sandbox shows its consent page (autoConsent off), as Salesforce does.
    stack = await startTestStack({ name: 'connect-browser', appName: 'Acme CRM Sync' });
    stack.sandbox.seed('Contact', 20);
    stack.sandbox.seed('Account', 4);
    const created = await stack.api('POST', '/integrations', stack.salesforceIntegration());
    expect(created.status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function openConnectScreen(connectionId: string): Promise<Page> {
    const session = await stack.api('POST', '/connect-sessions', { integration: 'salesforce-sandbox', connectionId });
    expect(session.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 560, height: 640 } });
    await page.goto(session.body.connectUrl);
    return page;
  }

  it('when the customer presses Connect with the keyboard and clicks Allow, then they see the success page and the first sync lands', async () => {
    const page = await openConnectScreen('initech');
    // The connect screen: the app's name, the provider, what will be read, in an accessible page.
    await page.getByRole('heading', { level: 1, name: 'Connect your Salesforce account' }).waitFor();
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('main')).toMatch(/Acme CRM Sync asks to connect to your Salesforce account/);
    const permissions = await page.getByRole('list', { name: 'Acme CRM Sync will be able to' }).getByRole('listitem').allTextContents();
    expect(permissions).toEqual(['read your Salesforce records such as contacts and accounts', 'keep access until you disconnect']);
    await screenshot(page, 'connect-screen');

    // Keyboard only: Tab reaches the button (with a visible focus ring), Enter submits.
    await page.keyboard.press('Tab');
    // Evaluated in the page, so written as a string: this file is compiled without the DOM's types.
    const focused = await page.evaluate(`(() => { const el = document.activeElement; return [el.tagName, el.textContent, getComputedStyle(el).outlineStyle]; })()`);
    expect(focused).toEqual(['BUTTON', 'Connect Salesforce', 'solid']);
    await Promise.all([page.waitForURL(`${stack.sandbox.url}/**`), page.keyboard.press('Enter')]);

    // The provider's consent page, reached through Tributary's redirect.
    await page.getByRole('heading', { name: 'Allow Access?' }).waitFor();
    await Promise.all([page.waitForURL(`${stack.apiUrl}/oauth/callback?**`), page.getByRole('button', { name: 'Allow' }).click()]);

    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/Your Salesforce account is connected \(initech\)/);
    await screenshot(page, 'connect-connected');
    await page.close();

    const contacts = await waitForRunAfter(stack, 'initech', 'contacts', null);
    expect([contacts.status, contacts.added]).toEqual(['succeeded', 20]);
    const connection = await stack.api('GET', '/connections/initech');
    expect(connection.body).toMatchObject({ integration: 'salesforce-sandbox', status: 'active', accountId: stack.sandbox.orgId, credentials: { state: 'valid' } });
  });

  it('when the customer clicks Deny, then they see an error page in the same style and no connection exists', async () => {
    const page = await openConnectScreen('hooli');
    await page.getByRole('button', { name: 'Connect Salesforce' }).click();
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Could not connect your account' }).waitFor();
    expect(await page.getByRole('alert').textContent()).toMatch(/did not grant access \(access_denied/);
    expect(await page.textContent('.app')).toBe('Acme CRM Sync');
    await screenshot(page, 'connect-error');
    await page.close();
    expect((await stack.api('GET', '/connections/hooli')).status).toBe(404);
  });
});
