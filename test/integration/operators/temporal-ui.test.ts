// The operator's console: the Temporal UI, driven by a real browser, finds a connection's workflow by its search
// attribute and shows what it is doing. The screenshot it takes is the one in the README.
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { startTemporal, type TemporalServer } from '../../../devstack/temporal-server';
import { waitForRunAfter } from '../../support/assertions';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { startTestStack, type TestStack } from '../../support/test-stack';

const ROOT = join(__dirname, '..', '..', '..');
const SCREENSHOT = join(ROOT, '.data', 'test', 'temporal-ui-connection.png');
// `TRIBUTARY_UPDATE_DOCS=1 npx jest temporal-ui` refreshes the README's copy; normal runs never touch tracked files.
const DOCS_SCREENSHOT = join(ROOT, 'docs', 'temporal-ui-connection.png');

const describeWithBrowser = describeWithChromium('Temporal UI test');

describeWithBrowser('Temporal UI as the operator console', () => {
  let temporal: TemporalServer;
  let stack: TestStack;
  let browser: Browser;

  beforeAll(async () => {
    temporal = await startTemporal({ logFile: join(ROOT, '.data', 'test', 'logs', 'temporal-ui.log') });
    // Its own Temporal, so the workflow ids can be the unprefixed ones an operator sees in production.
    stack = await startTestStack({ name: 'temporal-ui', temporalAddress: temporal.address, workflowIdPrefix: '' });
    stack.sandbox.seed('Account', 30);
    stack.sandbox.seed('Contact', 120);
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await temporal?.stop();
  });

  it('filters workflows by a connection\'s search attribute and shows the one for that connection', async () => {
    for (const id of ['globex', 'initech']) {
      expect((await stack.connectSalesforce(id, { contacts: { frequency: '1h' }, accounts: { frequency: '1h' } })).status).toBe(201);
    }
    await waitForRunAfter(stack, 'globex', 'contacts', null);

    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    const query = encodeURIComponent('TributaryConnectionId="globex"');
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows?query=${query}`);
    await page.getByText(stack.workflowId('globex')).first().waitFor({ timeout: 30_000 });
    // Filtered: the other connection's workflow is not listed.
    expect(await page.getByText(stack.workflowId('initech')).count()).toBe(0);
    mkdirSync(join(ROOT, '.data', 'test'), { recursive: true });
    await page.screenshot({ path: SCREENSHOT });
    if (process.env.TRIBUTARY_UPDATE_DOCS === '1') copyFileSync(SCREENSHOT, DOCS_SCREENSHOT);

    // The workflow page says in words what the connection is doing (its "current details").
    await page.goto(`${temporal.uiUrl}/namespaces/default/workflows/${encodeURIComponent(stack.workflowId('globex'))}`);
    // The activity summaries in the event history name the model and what the slice is doing.
    await page.getByText(/contacts: incremental sync, slice 1/).first().waitFor({ timeout: 30_000 });
    await page.screenshot({ path: SCREENSHOT.replace('.png', '-details.png') });
    await page.close();
  });
});
