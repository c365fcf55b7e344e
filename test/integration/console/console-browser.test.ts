// The support story in a real browser on the real stack (issue 22): with a read-only key, support finds the one failing
// connection, reads the provider's error in its run's log and cannot resync; an admin resyncs, watches the run reach
// `succeeded` live, redelivers a failed webhook and signs out. Provider and customer text carrying HTML stays text,
// every page passes axe's accessibility rules, and changes without the CSRF token or from another origin are refused.
// Screenshots of each page go to .data/screenshots (UPDATE_SCREENSHOTS=1: to docs/, where the README shows them).
import { readFileSync, mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { buildConsole } from '../../../console/build';
import { waitForRunAfter } from '../../support/assertions';
import { CHROMIUM, describeWithChromium } from '../../support/chromium';
import { eventually } from '../../support/eventually';
import { startTestStack, type TestStack } from '../../support/test-stack';
import { startFaultyInstance, type FaultyInstance } from './faulty-instance';

const describeWithBrowser = describeWithChromium('console browser test');
const SCREENSHOTS = join(__dirname, '../../..', process.env.UPDATE_SCREENSHOTS ? 'docs' : '.data/screenshots');
const AXE = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** In a metadata value and in the provider's error: if any of it ran as HTML, an alert dialog would open. */
const HTML_PAYLOAD = '<img src=x onerror=alert(1)>';
const PROVIDER_ERROR = `unexpected token: '${HTML_PAYLOAD}' near FROM Contact`;
const READ_KEY = 'support-read-only-key-0123456789abcdefghij';
const ADMIN_KEY = 'integration-team-admin-key-0123456789abcd';
// A laptop screen.
const VIEWPORT = { width: 1280, height: 800 };

async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const png = await page.screenshot({ path: join(SCREENSHOTS, `${name}.png`), fullPage: true });
  expect(png.length).toBeGreaterThan(1000);
}

/** axe-core's WCAG 2.1 A/AA rules (contrast, labels, names, landmarks) on the page as it is now; evaluated, so the CSP allows it. */
async function expectAccessible(page: Page, where: string): Promise<void> {
  await page.evaluate(AXE);
  const violations = (await page.evaluate(
    `axe.run(document, { runOnly: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] }).then((r) => r.violations.map((v) => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')))`,
  )) as string[];
  expect({ where, violations }).toEqual({ where, violations: [] });
  expect({ where, h1: await page.locator('h1').count() }).toEqual({ where, h1: 1 });
}

/** The console's session from outside the browser: its cookie and CSRF token, as the console would hold them. */
async function apiSession(stack: TestStack, key: string): Promise<{ cookie: string; csrfToken: string; scope: string }> {
  const response = await fetch(`${stack.apiUrl}/console/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
  expect(response.status).toBe(201);
  const body = (await response.json()) as { csrfToken: string; scope: string };
  const cookie = (response.headers.get('set-cookie') ?? '').split(';')[0];
  expect(cookie).toMatch(/^tributary_console=[A-Za-z0-9_-]{43}$/);
  return { cookie, csrfToken: body.csrfToken, scope: body.scope };
}

describeWithBrowser('the Tributary console in a browser', () => {
  let stack: TestStack;
  let provider: FaultyInstance;
  let browser: Browser;
  /** Browser dialogs (alert, confirm, prompt) opened by any console page: an injected script's alert would land here. */
  const dialogs: string[] = [];
  /** Anything the page logged about the Content-Security-Policy, and uncaught errors. */
  const pageProblems: string[] = [];

  async function newConsolePage(context: BrowserContext): Promise<Page> {
    const page = await context.newPage();
    page.on('dialog', (dialog) => {
      dialogs.push(`${dialog.type()}: ${dialog.message()}`);
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (/Content.Security.Policy/i.test(message.text())) pageProblems.push(message.text());
    });
    page.on('pageerror', (error) => pageProblems.push(`uncaught: ${error.message}`));
    return page;
  }

  async function signIn(page: Page, key: string): Promise<void> {
    await page.goto(`${stack.apiUrl}/console`);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await page.getByLabel('Secret key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    // The key went to the server once; nothing of it stays in the page or in browser storage.
    expect(await page.getByLabel('Secret key').count()).toBe(0);
    const stored = await page.evaluate(`JSON.stringify([Object.entries(localStorage), Object.entries(sessionStorage), document.cookie])`);
    expect(stored).toBe('[[],[],""]');
  }

  beforeAll(async () => {
    // The test drives the console as console/src builds it now (npm ci built it too, maybe from older sources).
    await buildConsole();
    stack = await startTestStack({
      name: 'console-browser',
      extraSecretKeys: [
        { name: 'support', key: READ_KEY, scope: 'read' },
        { name: 'integration-team', key: ADMIN_KEY, scope: 'admin' },
      ],
      // Webhooks that fail stop being retried after 4 s, so only a redelivery can still bring them.
      workflow: { webhookRetryForMs: 4_000 },
    });
    stack.sandbox.seed('Contact', 30);
    stack.sandbox.seed('Account', 5);
    provider = await startFaultyInstance(stack.sandbox.url, 'MALFORMED_QUERY', PROVIDER_ERROR);

    // acme syncs well, but the app's webhook receiver is down (until the story redelivers): its deliveries fail for good.
    stack.receiver.failWith = 503;
    expect((await stack.connectSalesforce('acme')).status).toBe(201);
    await waitForRunAfter(stack, 'acme', 'contacts', null);
    const failedDelivery = await eventually(
      async () => {
        const { body } = await stack.api('GET', '/connections/acme/webhook-deliveries');
        return body.deliveries.find((delivery: { status: number | null }) => delivery.status === 503);
      },
      { what: 'a failed webhook delivery of acme' },
    );
    expect(failedDelivery.type).toBeTruthy();

    // globex's org answers every query with an error carrying HTML; its metadata carries HTML too.
    provider.failQueries = true;
    const grant = stack.sandbox.issueGrant();
    const created = await stack.api('POST', '/connections', {
      connectionId: 'globex',
      integration: 'salesforce-sandbox',
      credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: provider.url },
      syncs: { contacts: { frequency: '1h' } },
    });
    expect(created.status).toBe(201);
    expect((await stack.api('PATCH', '/connections/globex', { metadata: { plan: 'enterprise', note: HTML_PAYLOAD } })).status).toBe(200);
    const failed = await waitForRunAfter(stack, 'globex', 'contacts', null);
    expect([failed.status, failed.error?.message]).toEqual(['failed', expect.stringContaining(HTML_PAYLOAD)]);
    // The overview's health is the last scan's finding: scan now rather than wait for the timer.
    await stack.healthScan.scan();

    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  });
  afterAll(async () => {
    await browser?.close();
    await stack?.close();
    await provider?.close();
  });

  it('when support signs in read-only and an admin acts, then the story from failing connection to redelivered webhook plays out', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await newConsolePage(context);

    // The console page is served under the strict CSP the contract names.
    const served = await page.goto(`${stack.apiUrl}/console`);
    expect(served?.headers()['content-security-policy']).toMatch(/script-src 'self'; style-src 'self';.*frame-ancestors 'none'/);
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await expectAccessible(page, 'sign-in');
    await screenshot(page, 'console-sign-in');

    // 1. Support signs in with the read-only key: the overview shows one connection failing, with the provider's error.
    await signIn(page, READ_KEY);
    expect(await page.locator('.who').textContent()).toMatch(/Signed in as support\s*read-only/);
    const failingSyncs = page.getByRole('region', { name: 'Failing syncs' });
    await failingSyncs.getByRole('link', { name: 'globex' }).waitFor();
    const failingRows = failingSyncs.getByRole('row').filter({ has: page.getByRole('link') });
    expect(await failingRows.count()).toBe(1);
    expect(await failingRows.first().textContent()).toContain(PROVIDER_ERROR);
    // The charts are drawn from the API's hourly sums: acme's two runs (30 contacts, 5 accounts) and globex's failure.
    // (Runs in flight come from the API's connection directory, a few seconds behind: a run just ended may still count.)
    const runsChart = page.getByRole('figure', { name: 'Runs per hour' }).getByRole('img');
    expect(await runsChart.getAttribute('aria-label')).toMatch(/^Runs per hour, last 24 hours: 2 succeeded, 1 failed, [01] running\.$/);
    expect(await runsChart.locator('rect.series-bad').count()).toBe(1);
    const changesChart = page.getByRole('figure', { name: 'Records changed per hour' }).getByRole('img');
    expect(await changesChart.getAttribute('aria-label')).toBe('Records changed per hour, last 24 hours: 35 added, 0 updated, 0 deleted.');
    await expectAccessible(page, 'overview');
    await screenshot(page, 'console-overview');

    // 2. Its failed run's log shows the provider's error line, as text.
    await failingSyncs.getByRole('link', { name: 'globex' }).click();
    await page.getByRole('heading', { level: 1, name: 'Connection globex' }).waitFor();
    expect(await page.locator('pre.json').textContent()).toContain(`"note": "${HTML_PAYLOAD}"`);
    expect(await page.locator('main img').count()).toBe(0);
    // 3. Read-only: no button that acts, anywhere on the page (looked at once its failed deliveries, which an admin
    // could redeliver, have loaded).
    await page.getByRole('region', { name: 'Webhook deliveries' }).getByRole('row').filter({ hasText: 'HTTP 503' }).first().waitFor();
    for (const name of ['Sync now', 'Full resync…', 'Pause connection', 'Delete…', 'Edit metadata', 'Re-authorisation link']) {
      expect({ button: name, count: await page.getByRole('button', { name }).count() }).toEqual({ button: name, count: 0 });
    }
    expect(await page.locator('main').getByRole('button').allTextContents()).toEqual([]);
    await page.getByRole('row', { name: /contacts/ }).first().getByRole('link', { name: /failed/ }).click();
    await page.getByRole('heading', { level: 1, name: /Run of contacts/ }).waitFor();
    const errorLine = page.locator('.timeline .event.level-error').filter({ hasText: 'MALFORMED_QUERY' });
    await errorLine.first().waitFor();
    expect(await errorLine.first().textContent()).toContain(PROVIDER_ERROR);
    expect(await page.locator('main img').count()).toBe(0);
    await expectAccessible(page, 'run (failed)');
    await screenshot(page, 'console-run-failed');

    // The same line in Logs, found by full text.
    await page.goto(`${stack.apiUrl}/console/logs?connectionId=globex&q=MALFORMED_QUERY`);
    await page.locator('.log-line.level-error').filter({ hasText: PROVIDER_ERROR }).first().waitFor();
    await expectAccessible(page, 'logs');
    await screenshot(page, 'console-logs');

    // Integrations, read-only: nothing to create or edit, and no provider-webhook URL (it holds the integration's secret).
    const webhookUrl: string = (await stack.api('GET', '/integrations/salesforce-sandbox')).body.providerWebhook.url;
    expect(webhookUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/provider-webhooks\/salesforce-sandbox\/./);
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    await page.getByText('The provider-webhook URL contains a secret: only admins see it.').waitFor();
    expect(await page.locator('main').getByRole('button').allTextContents()).toEqual(['Copy']);
    expect(await page.content()).not.toContain(webhookUrl.split('/').pop());

    // 3. …and the API refuses a read-only session's resync with 403 naming the scope (token and origin are right).
    const refused = (await page.evaluate(`fetch('/console/session').then((r) => r.json()).then((s) =>
      fetch('/connections/globex/sync', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': s.csrfToken }, body: '{"mode":"full"}' })
        .then(async (r) => ({ status: r.status, body: await r.json() })))`)) as { status: number; body: { error: { code: string; requiredScope: string } } };
    expect(refused).toMatchObject({ status: 403, body: { error: { code: 'forbidden', requiredScope: 'admin' } } });

    // 4. Support signs out; an admin signs in.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    await signIn(page, ADMIN_KEY);

    // 5. The provider is fixed; the admin asks for a full resync (confirmed in a dialog). The org holds its answers
    // to queries until the test lets them go, so the run is surely still running when its page opens.
    provider.failQueries = false;
    stack.sandbox.faults.holdQueries({ afterCalls: 0 });
    await page.goto(`${stack.apiUrl}/console/connections/globex`);
    await page.getByRole('heading', { level: 1, name: 'Connection globex' }).waitFor();
    await page.getByRole('button', { name: 'Full resync…' }).click();
    const confirm = page.getByRole('dialog', { name: 'Full resync' });
    await confirm.getByRole('button', { name: 'Resync everything' }).click();
    await page.getByRole('status').filter({ hasText: 'Full resync requested for contacts' }).waitFor();

    // 6. The new run appears without a reload; its page updates live from running to succeeded.
    const runs = page.getByRole('region', { name: 'Recent runs' });
    await runs.getByRole('row').filter({ hasText: 'running' }).getByRole('link', { name: 'contacts, full' }).click();
    await page.getByRole('heading', { level: 1, name: 'Run of contacts (full)' }).waitFor();
    const outcome = page.locator('.run-status');
    expect(await outcome.textContent()).toContain('running');
    // A marker in the page's memory: it would not survive a reload or a navigation.
    await page.evaluate(`window.__stillTheSamePage = true`);
    stack.sandbox.faults.clear();
    await outcome.filter({ hasText: 'succeeded' }).waitFor({ timeout: 60_000 });
    expect(await page.evaluate(`window.__stillTheSamePage === true`)).toBe(true);
    // The events that came while the page watched: the query's answer, its page, the end.
    const timeline = await page.locator('.timeline').textContent();
    expect(timeline).toMatch(/full resync: \w+/);
    expect(timeline).toMatch(/read 30 records in 1 requests: 30 added/);
    expect(timeline).toMatch(/succeeded in \d+ ms/);
    await expectAccessible(page, 'run (succeeded)');
    await screenshot(page, 'console-run');

    // 7. Redeliver the webhook that failed for good while the receiver was down.
    await page.goto(`${stack.apiUrl}/console/connections/acme`);
    const deliveries = page.getByRole('region', { name: 'Webhook deliveries' });
    const failedRow = deliveries.getByRole('row').filter({ hasText: 'HTTP 503' }).filter({ has: page.getByRole('button', { name: /^Redeliver/ }) }).first();
    const eventId = ((await failedRow.locator('.mono').textContent()) ?? '').trim();
    expect(eventId).not.toBe('');
    expect(stack.receiver.received.some((received) => received.event.id === eventId)).toBe(false);
    // The receiver is back; the event's own delivery gave up long ago (4 s of retries), so only a redelivery brings it.
    stack.receiver.failWith = null;
    await failedRow.getByRole('button', { name: /^Redeliver/ }).click();
    await page.getByRole('status').filter({ hasText: `Redelivering` }).waitFor();
    await stack.receiver.waitFor((received) => received.some((r) => r.event.id === eventId && r.signatureValid), 30_000);
    // The new attempt shows in the list without a reload.
    await deliveries.getByRole('row').filter({ hasText: eventId }).filter({ hasText: 'HTTP 204' }).waitFor();
    await expectAccessible(page, 'connection (admin)');
    await screenshot(page, 'console-connection');

    // The other pages, for the README.
    await page.goto(`${stack.apiUrl}/console/connections`);
    const results = page.getByRole('region', { name: 'Results' });
    await results.getByRole('link', { name: 'globex' }).waitFor();
    await results.getByRole('link', { name: 'acme' }).waitFor();
    await expectAccessible(page, 'connections');
    await screenshot(page, 'console-connections');
    // The search is the server's, over metadata values too: only globex's metadata says enterprise.
    await page.getByRole('search', { name: 'Search connections' }).getByLabel('Search', { exact: true }).fill('ENTERPRISE');
    await page.getByRole('search', { name: 'Search connections' }).getByRole('button', { name: 'Search' }).click();
    await page.waitForURL(/\/console\/connections\?q=ENTERPRISE$/);
    await results.getByRole('link', { name: 'acme' }).waitFor({ state: 'detached' });
    expect(await results.getByRole('row').filter({ has: page.getByRole('link') }).allTextContents()).toEqual([expect.stringContaining('globex')]);
    const record = (await stack.api('GET', '/records?connectionId=globex&model=contacts&limit=1')).body.records[0];
    await page.goto(`${stack.apiUrl}/console/connections/globex/records/contacts?id=${encodeURIComponent(record.id)}`);
    await page.getByRole('heading', { name: `Record ${record.id}` }).waitFor();
    await page.getByText('History, newest first').waitFor();
    // Added by the full resync, linked to that run.
    const added = page.locator('ol.history li').filter({ hasText: 'added' });
    expect(await added.count()).toBe(1);
    await added.getByRole('link', { name: 'its run' }).click();
    await page.getByRole('heading', { level: 1, name: 'Run of contacts (full)' }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: `Record ${record.id}` }).waitFor();
    await expectAccessible(page, 'records');
    await screenshot(page, 'console-records');

    // 8. Sign out: the session is gone for the server too.
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.evaluate(`fetch('/console/session').then((r) => r.status)`)).toBe(401);

    expect(dialogs).toEqual([]);
    expect(pageProblems).toEqual([]);
    await context.close();
  });

  it('when an admin registers an integration with a URL outside the provider’s hosts, then the API’s reason appears under that field', async () => {
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await newConsolePage(context);
    await signIn(page, ADMIN_KEY);
    await page.getByRole('link', { name: 'Integrations' }).click();
    await page.getByRole('heading', { level: 1, name: 'Integrations' }).waitFor();
    await page.getByRole('button', { name: 'New integration' }).click();
    const form = page.getByRole('form', { name: 'Create an integration' });
    await form.getByLabel('Key', { exact: true }).fill('salesforce-eu');
    await form.getByLabel('Provider').selectOption('salesforce');
    await form.getByLabel('Client id').fill('eu-client');
    await form.getByLabel('Client secret').fill('eu-secret');
    // Refused by the host rules before anything is contacted.
    await form.getByLabel('Authorization URL').fill('https://login.example.com/services/oauth2/authorize');
    await form.getByRole('button', { name: 'Create integration' }).click();
    await form.getByRole('alert').waitFor();
    const field = form.getByLabel('Authorization URL');
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    const why = await page.locator(`#${await field.getAttribute('aria-describedby')}`).textContent();
    expect(why).toMatch(/salesforce host/i);
    // Focus went to the refused field, so a keyboard user is there.
    expect(await page.evaluate(`document.activeElement.id`)).toBe(await field.getAttribute('id'));
    expect((await stack.api('GET', '/integrations/salesforce-eu')).status).toBe(404);
    await expectAccessible(page, 'integrations (form with an error)');
    await screenshot(page, 'console-integrations');
    await form.getByRole('button', { name: 'Cancel' }).click();
    // The callback URL to register, with its copy button.
    await page.getByLabel('Register this as the callback (redirect) URL of each provider app').waitFor();
    expect(await page.getByLabel('Register this as the callback (redirect) URL of each provider app').inputValue()).toBe(`${stack.apiUrl}/oauth/callback`);

    // Keyboard: the first Tab reaches the skip link, then the navigation, each with the visible focus ring.
    await page.goto(`${stack.apiUrl}/console`);
    await page.getByRole('heading', { level: 1, name: 'Overview' }).waitFor();
    const focused = `(() => { const el = document.activeElement; return [el.tagName, el.textContent, getComputedStyle(el).outlineStyle]; })()`;
    await page.keyboard.press('Tab');
    expect(await page.evaluate(focused)).toEqual(['A', 'Skip to content', 'solid']);
    await page.keyboard.press('Tab');
    expect(await page.evaluate(focused)).toEqual(['A', 'Overview', 'solid']);
    expect(dialogs).toEqual([]);
    expect(pageProblems).toEqual([]);
    await context.close();
  });

  it('when a state change comes without the CSRF token or from another origin, then it is refused and nothing starts', async () => {
    const session = await apiSession(stack, ADMIN_KEY);
    const lastContactsRun = (await stack.api('GET', '/connections/acme')).body.syncs.contacts.lastRun.runId;
    // The refused requests ask for a full resync, the accepted one for an incremental sync: a full run would give away
    // a refused request that was carried out after all.
    const post = (headers: Record<string, string>, mode: 'full' | 'incremental' = 'full') =>
      fetch(`${stack.apiUrl}/connections/acme/sync`, {
        method: 'POST',
        headers: { cookie: session.cookie, 'content-type': 'application/json', ...headers },
        body: JSON.stringify({ mode }),
      });

    const withoutToken = await post({ 'sec-fetch-site': 'same-origin' });
    expect([withoutToken.status, ((await withoutToken.json()) as { error: { code: string } }).error.code]).toEqual([403, 'csrf_failed']);
    const otherOrigin = await post({ 'x-csrf-token': session.csrfToken, origin: 'http://127.0.0.1:9' });
    expect([otherOrigin.status, ((await otherOrigin.json()) as { error: { code: string } }).error.code]).toEqual([403, 'csrf_failed']);

    // A page of another origin (same site: another port of 127.0.0.1, so the SameSite=Strict cookie is sent)
    // submits a form at the API from a browser holding a console session.
    const context = await browser.newContext({ viewport: VIEWPORT });
    const page = await newConsolePage(context);
    await signIn(page, ADMIN_KEY);
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><form method="post" action="${stack.apiUrl}/connections/acme/sync" enctype="text/plain">
<input name='{"mode":"full","x":"' value='"}'></form><button onclick="document.forms[0].submit()">Win a prize</button>`);
    });
    await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
    try {
      await page.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
      const [answer] = await Promise.all([page.waitForResponse(`${stack.apiUrl}/connections/acme/sync`), page.getByRole('button', { name: 'Win a prize' }).click()]);
      expect(answer.status()).toBe(403);
    } finally {
      await new Promise<void>((resolve) => attacker.close(() => resolve()));
    }

    // The control: the same session, its token, the console's own origin: accepted.
    const fromConsole = await post({ 'x-csrf-token': session.csrfToken, 'sec-fetch-site': 'same-origin' }, 'incremental');
    expect(fromConsole.status).toBe(202);
    const next = await waitForRunAfter(stack, 'acme', 'contacts', lastContactsRun);
    expect([next.status, next.mode]).toEqual(['succeeded', 'incremental']);
    const { runs } = (await stack.api('GET', '/connections/acme/runs?limit=100')).body;
    expect(runs.filter((run: { fullReason: string | null }) => run.fullReason === 'requested')).toEqual([]);
    expect(dialogs).toEqual([]);
    await context.close();
  });
});
