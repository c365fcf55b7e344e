// A customer connecting Dynamics 365 in a real browser: the connect screen asks for the environment URL, refuses one
// off Microsoft's hosts on the same screen, then sends the browser to the sign-in naming that environment, and the
// connection that lands is the environment's (its organization, its URL stored, its first sync).
import { chromium, type Browser, type Page } from 'playwright-core';
import { waitForRunAfter } from '../../support/assertions';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { DYNAMICS_INTEGRATION, startDynamicsStack, type DynamicsStack } from '../../support/dynamics-stack';

const describeWithBrowser = describeWithChromium('Dynamics connect browser test');

describeWithBrowser('a customer connects Dynamics 365 in the browser, naming their environment', () => {
  let stack: DynamicsStack;
  let browser: Browser;

  beforeAll(async () => {
    // The sandbox shows its consent page (autoConsent off), as the identity platform does.
    stack = await startDynamicsStack({ name: 'dynamics-connect-browser', appName: 'Acme CRM Sync' });
    stack.dynamics.environment('fabrikam').seed('contacts', 9);
    stack.dynamics.environment('fabrikam').seed('accounts', 3);
    await stack.ensureIntegration();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  async function openConnectScreen(connectionId: string): Promise<Page> {
    const session = await stack.api('POST', '/connect-sessions', { integration: DYNAMICS_INTEGRATION, connectionId });
    expect(session.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 560, height: 720 } });
    await page.goto(session.body.connectUrl);
    return page;
  }

  it('asks for the environment URL, refuses one off the host rules on the screen, and signs in to the one typed', async () => {
    const fabrikam = stack.dynamics.environment('fabrikam');
    const page = await openConnectScreen('northwind');
    await page.getByRole('heading', { level: 1, name: 'Connect your Dynamics 365 account' }).waitFor();
    const field = page.getByRole('textbox', { name: 'Your Dynamics 365 environment URL' });
    expect(await field.getAttribute('placeholder')).toBe('https://contoso.crm.dynamics.com');

    // A URL on no Dynamics host: the same screen again, saying why, with the field marked; nothing was sent anywhere.
    const loginRequestsBefore = stack.dynamics.stats().requests;
    await field.fill('https://contoso.example.com');
    await Promise.all([page.waitForURL(`${stack.apiUrl}/**`), page.getByRole('button', { name: 'Connect Dynamics 365' }).click()]);
    const alert = page.getByRole('alert');
    await alert.waitFor();
    expect(await alert.textContent()).toMatch(/Your Dynamics 365 environment URL must be on a dynamics host/);
    const refusedField = page.getByRole('textbox', { name: 'Your Dynamics 365 environment URL' });
    expect(await refusedField.getAttribute('aria-invalid')).toBe('true');
    expect(stack.dynamics.stats().requests).toEqual(loginRequestsBefore);

    // The environment's own URL: the sign-in asks consent for exactly that environment.
    await refusedField.fill(fabrikam.url);
    await Promise.all([page.waitForURL(`${stack.dynamics.url}/**`), page.getByRole('button', { name: 'Connect Dynamics 365' }).click()]);
    await page.getByRole('heading', { name: 'Permissions requested' }).waitFor();
    expect(await page.textContent('body')).toContain(`${fabrikam.url}/.default offline_access`);
    await Promise.all([page.waitForURL(`${stack.apiUrl}/oauth/callback?**`), page.getByRole('button', { name: 'Accept' }).click()]);
    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/Your Dynamics 365 account is connected \(northwind\)/);
    await page.close();

    const connection = await stack.api('GET', '/connections/northwind');
    expect(connection.body).toMatchObject({ integration: DYNAMICS_INTEGRATION, status: 'active', accountId: fabrikam.organizationId, connectInputs: { environmentUrl: fabrikam.url } });
    const contacts = await waitForRunAfter(stack, 'northwind', 'contacts', null);
    expect([contacts.status, (contacts as { added?: number }).added]).toEqual(['succeeded', 9]);
  });
});
