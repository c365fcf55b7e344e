// The Pipedrive sandbox as `npm run dev` starts it: its CLI entry with dev's settings (on free ports here) answers on
// the OAuth host, serves the seeded company on the next port, and its token answers name that host as api_domain.
import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { freePort, spawnLogged, stopProcess } from '../../../devstack/processes';
import { pipedriveDevSandbox as offerPipedrive } from '../../../sandbox/pipedrive/dev-sandbox';
import { eventually } from '../../support/eventually';

const root = join(__dirname, '..', '..', '..');
const pipedriveDevSandbox = offerPipedrive(0);

describe('the Pipedrive sandbox npm run dev offers', () => {
  let child: ChildProcess | null = null;
  afterAll(async () => {
    if (child) await stopProcess(child);
  });

  it('starts from its entry with dev settings, seeded, its company on the port after the OAuth host', async () => {
    const base = await freePort();
    const oauthUrl = `http://127.0.0.1:${base}`;
    child = spawnLogged(join(root, 'node_modules', '.bin', 'tsx'), [join(root, pipedriveDevSandbox.entry)], {
      env: { ...process.env, ...pipedriveDevSandbox.env, PIPEDRIVE_SANDBOX_PORT: String(base), PIPEDRIVE_SANDBOX_AUTO_CONSENT: 'true' },
      logFile: join(root, '.data', 'test', 'logs', 'pipedrive-dev-sandbox.log'),
    });
    await eventually(async () => (await fetch(`${oauthUrl}/__sandbox/stats`).catch(() => null))?.ok === true, { timeoutMs: 60_000, what: 'the sandbox to answer' });

    const { companies } = (await (await fetch(`${oauthUrl}/__sandbox/companies`)).json()) as { companies: { domain: string; apiDomain: string }[] };
    expect(companies).toEqual([expect.objectContaining({ domain: 'sandbox-company', apiDomain: `http://127.0.0.1:${base + 1}` })]);
    const recordsOf = async (object: string) => ((await (await fetch(`${oauthUrl}/__sandbox/records/${object}`)).json()) as { records: unknown[] }).records;
    const [persons, organizations] = [await recordsOf('persons'), await recordsOf('organizations')];
    expect([persons.length, organizations.length]).toEqual([Number(pipedriveDevSandbox.env.PIPEDRIVE_SANDBOX_SEED_PERSONS), Number(pipedriveDevSandbox.env.PIPEDRIVE_SANDBOX_SEED_ORGANIZATIONS)]);

    // The integration dev prints points at the OAuth host's endpoints; dev's own ports are the two it checks free.
    expect(pipedriveDevSandbox.integration).toMatchObject({ provider: 'pipedrive', authorizationUrl: expect.stringMatching(/\/oauth\/authorize$/), tokenUrl: expect.stringMatching(/\/oauth\/token$/) });
    const devBase = Number(pipedriveDevSandbox.env.PIPEDRIVE_SANDBOX_PORT);
    expect(pipedriveDevSandbox.ports.map((port) => port.port)).toEqual([devBase, devBase + 1]);
  }, 90_000);
});
