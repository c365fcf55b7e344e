// A customer connecting Pipedrive in a real browser: Tributary's connect screen → the sandbox Pipedrive's install page
// (a click on "Allow and install") → the result page; the connection then reads its company's own API host, the
// api_domain of the token answer, which no integration setting named, and its first sync lands.
import { chromium, type Browser } from 'playwright-core';
import { waitForRunAfter } from '../../support/assertions';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { PIPEDRIVE_INTEGRATION, startPipedriveStack, type PipedriveStack } from '../../support/pipedrive-stack';

const describeWithBrowser = describeWithChromium('Pipedrive connect browser test');

describeWithBrowser('a customer connects Pipedrive in the browser', () => {
  let stack: PipedriveStack;
  let browser: Browser;

  beforeAll(async () => {
    // Two companies: the one the customer signs in to is the second, so its host is not the first one's by chance.
    stack = await startPipedriveStack({
      name: 'pipedrive-connect-browser',
      appName: 'Acme CRM Sync',
      pipedrive: { companies: [{ domain: 'other-company' }, { domain: 'initech' }], signInCompany: 'initech' },
    });
    stack.pipedrive.seed('persons', 12, { company: 'initech' });
    stack.pipedrive.seed('persons', 3, { company: 'other-company' });
    await stack.ensurePipedriveIntegration();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('signs in at the install page, lands on the Connected page, and syncs the company it signed in to from its api_domain', async () => {
    const session = await stack.api('POST', '/connect-sessions', { integration: PIPEDRIVE_INTEGRATION, connectionId: 'initech' });
    expect(session.status).toBe(201);
    const page = await browser.newPage({ viewport: { width: 560, height: 640 } });
    await page.goto(session.body.connectUrl);
    await page.getByRole('heading', { level: 1, name: 'Connect your Pipedrive account' }).waitFor();
    await Promise.all([page.waitForURL(`${stack.pipedrive.url}/**`), page.getByRole('button', { name: 'Connect Pipedrive' }).click()]);

    await page.getByRole('heading', { name: 'Allow the app to access Initech Ltd?' }).waitFor();
    await Promise.all([page.waitForURL(`${stack.apiUrl}/oauth/callback?**`), page.getByRole('button', { name: 'Allow and install' }).click()]);
    await page.getByRole('heading', { name: 'Connected' }).waitFor();
    expect(await page.getByRole('status').textContent()).toMatch(/Your Pipedrive account is connected \(initech\)/);
    await page.close();

    const persons = await waitForRunAfter(stack, 'initech', 'persons', null);
    expect([persons.status, persons.added]).toEqual(['succeeded', 12]);
    const initech = stack.pipedrive.companies.find((company) => company.domain === 'initech')!;
    expect((await stack.api('GET', '/connections/initech')).body).toMatchObject({ status: 'active', accountId: String(initech.id), credentials: { state: 'valid' } });
    expect((await stack.store.connections.readCredentials('initech')).credentials.instanceUrl).toBe(initech.apiDomain);
  }, 120_000);
});
