// A customer connecting their account in a real browser: the app's connect URL → the sandbox Salesforce's consent
// page (a click on Allow) → Tributary's success page, and then the connection's first sync lands.
import { chromium, type Browser } from 'playwright-core';
import { waitForRunAfter } from '../../support/assertions';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { startTestStack, type TestStack } from '../../support/test-stack';


const describeWithBrowser = describeWithChromium('connect browser test');

describeWithBrowser("a customer connects their account in the browser", () => {
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    // The sandbox shows its consent page (autoConsent off), as Salesforce does.
    stack = await startTestStack({ name: 'connect-browser' });
    stack.sandbox.seed('Contact', 20);
    stack.sandbox.seed('Account', 4);
    const created = await stack.api('POST', '/integrations', {
      key: 'salesforce-sandbox',
      provider: 'salesforce',
      clientId: 'sandbox-client-id',
      clientSecret: 'sandbox-client-secret',
      authorizationUrl: `${stack.sandbox.url}/services/oauth2/authorize`,
      tokenUrl: `${stack.sandbox.url}/services/oauth2/token`,
    });
    expect(created.status).toBe(201);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('when the customer clicks Allow on the consent page, then they see the success page and the first sync lands', async () => {
    const session = await stack.api('POST', '/connect-sessions', { integration: 'salesforce-sandbox', connectionId: 'initech' });
    expect(session.status).toBe(201);

    const page = await browser.newPage();
    await page.goto(session.body.connectUrl);
    // The provider's consent page, reached through Tributary's redirect.
    await page.getByRole('heading', { name: 'Allow Access?' }).waitFor();
    expect(new URL(page.url()).origin).toBe(stack.sandbox.url);
    await Promise.all([page.waitForURL(`${stack.apiUrl}/oauth/callback?**`), page.getByRole('button', { name: 'Allow' }).click()]);

    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    expect(await page.textContent('body')).toMatch(/Your Salesforce account is connected \(initech\)/);
    await page.close();

    const contacts = await waitForRunAfter(stack, 'initech', 'contacts', null);
    expect([contacts.status, contacts.added]).toEqual(['succeeded', 20]);
    const connection = await stack.api('GET', '/connections/initech');
    expect(connection.body).toMatchObject({ integration: 'salesforce-sandbox', status: 'active', credentials: { state: 'valid' } });
  });

  it('when the customer clicks Deny, then they see an error page and no connection exists', async () => {
    const session = await stack.api('POST', '/connect-sessions', { integration: 'salesforce-sandbox', connectionId: 'hooli' });
    const page = await browser.newPage();
    await page.goto(session.body.connectUrl);
    await page.getByRole('button', { name: 'Deny' }).click();
    await page.getByRole('heading', { name: 'Could not connect your account' }).waitFor();
    expect(await page.textContent('body')).toMatch(/did not grant access \(access_denied/);
    await page.close();
    expect((await stack.api('GET', '/connections/hooli')).status).toBe(404);
  });
});
