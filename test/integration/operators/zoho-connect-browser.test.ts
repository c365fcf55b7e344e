// A Zoho CRM customer whose data lives in the EU connects in a real browser: the connect screen → Zoho's sign-in at the
// US accounts server (where every sign-in starts) → signing in as the EU user → Accept → the result page; the
// connection lands on the EU data centre: the code exchanged at the EU accounts server, the first sync read from the
// EU API domain. A screenshot of each page goes to .data/screenshots.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitForRunAfter } from '../../support/assertions';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { startZohoStack, ZOHO_INTEGRATION, type ZohoStack } from '../../support/zoho-stack';

const describeWithBrowser = describeWithChromium('Zoho connect browser test');
const SCREENSHOTS = join(__dirname, '../../..', '.data/screenshots');

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  expect((await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true })).length).toBeGreaterThan(1000);
}

describeWithBrowser('an EU customer connects Zoho CRM in the browser', () => {
  let stack: ZohoStack;
  let browser: Browser;

  beforeAll(async () => {
    // Zoho's sign-in shows its consent page (autoConsent off); the first account offered is the US org's user.
    stack = await startZohoStack({ name: 'zoho-connect-browser', appName: 'Acme CRM Sync' });
    stack.zoho.org('nordlicht').seed('Contacts', 25);
    stack.zoho.org('zylker').seed('Contacts', 5);
    await stack.registerZoho();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('lands on the EU data centre: EU accounts server for the code, EU API domain for the sync', async () => {
    const us = stack.zoho.dataCentre('us');
    const eu = stack.zoho.dataCentre('eu');
    const session = await stack.api('POST', '/connect-sessions', { integration: ZOHO_INTEGRATION, connectionId: 'berlin' });
    expect(session.status).toBe(201);
    stack.zoho.resetStats();
    const page = await browser.newPage({ viewport: { width: 560, height: 640 } });
    await page.goto(session.body.connectUrl);

    await page.getByRole('heading', { level: 1, name: 'Connect your Zoho CRM account' }).waitFor();
    const permissions = await page.getByRole('list', { name: 'Acme CRM Sync will be able to' }).getByRole('listitem').allTextContents();
    expect(permissions).toEqual([
      'read and write your Zoho CRM contacts',
      'read and write your Zoho CRM accounts',
      'see which fields your contacts and accounts have',
      'see your organization',
      'see your user name and profile',
    ]);
    await screenshot(page, 'zoho-connect-screen');
    await Promise.all([page.waitForURL(`${us.accountsUrl}/**`), page.getByRole('button', { name: 'Connect Zoho CRM' }).click()]);

    // Every Zoho sign-in starts at accounts.zoho.com; the customer signs in with their EU account there.
    await page.getByRole('heading', { name: 'The app would like to access your Zoho account' }).waitFor();
    await page.getByRole('link', { name: /nordlicht.*\(EU\)/ }).click();
    await page.getByText(/Signed in as integration@nordlicht\.example\.com \(data centre EU\)/).waitFor();
    await screenshot(page, 'zoho-connect-consent');
    await Promise.all([page.waitForURL(`${stack.apiUrl}/oauth/callback?**`), page.getByRole('button', { name: 'Accept' }).click()]);

    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/Your Zoho CRM account is connected \(berlin\)/);
    await screenshot(page, 'zoho-connect-connected');
    await page.close();

    const contacts = await waitForRunAfter(stack, 'berlin', 'contacts', null);
    expect([contacts.status, contacts.added]).toEqual(['succeeded', 25]);
    const connection = await stack.api('GET', '/connections/berlin');
    expect(connection.body).toMatchObject({ status: 'active', accountId: stack.zoho.org('nordlicht').orgId, credentials: { state: 'valid' } });
    const { credentials } = await stack.store.connections.readCredentials('berlin');
    expect([credentials.tokenHost, credentials.instanceUrl]).toEqual([eu.accountsUrl, eu.apiUrl]);

    const stats = stack.zoho.stats();
    expect(stats.requestsByDataCentre.eu['token.authorization_code']).toBe(1);
    expect(stats.requestsByDataCentre.eu.list).toBeGreaterThanOrEqual(1);
    // The US data centre only showed the sign-in pages (and the browser's favicon request): no token request, no API call.
    expect(stats.requestsByDataCentre.us.authorize).toBeGreaterThanOrEqual(2);
    expect(Object.keys(stats.requestsByDataCentre.us).filter((kind) => kind !== 'authorize' && kind !== 'other')).toEqual([]);
  });
});
