// CLI entry for the Zoho CRM sandbox: the US and EU data centres on fixed ports (EU on an address of its own), seeded.
import { z } from 'zod';
import { runSandboxCli } from '../common/cli';
import { zohoSandboxPorts } from './dev-sandbox';
import { startZohoSandbox } from './server';

const count = z.coerce.number().int().nonnegative();
const port = z.coerce.number().int().min(1).max(65532);

// The EU data centre gets its own loopback address: a loopback token host pairs only with an API base on the same
// address, so US and EU are told apart as Zoho's host names are (docs/providers/zoho.md).
const environmentSchema = z.object({
  ZOHO_SANDBOX_PORT: port.default(4030),
  ZOHO_SANDBOX_US_HOST: z.string().min(1).default('127.0.0.1'),
  ZOHO_SANDBOX_EU_HOST: z.string().min(1).default('127.0.0.2'),
  ZOHO_SANDBOX_SEED_CONTACTS: count.default(0),
  ZOHO_SANDBOX_SEED_ACCOUNTS: count.default(0),
  ZOHO_SANDBOX_AUTO_CONSENT: z.stringbool().default(false),
});

runSandboxCli('zoho sandbox', environmentSchema, async (env, logger) => {
  const ports = zohoSandboxPorts(env.ZOHO_SANDBOX_PORT);
  const sandbox = await startZohoSandbox({
    dataCentres: [
      { location: 'us', host: env.ZOHO_SANDBOX_US_HOST, accountsPort: ports.usAccounts, apiPort: ports.usApi },
      { location: 'eu', host: env.ZOHO_SANDBOX_EU_HOST, accountsPort: ports.euAccounts, apiPort: ports.euApi },
    ],
    autoConsent: env.ZOHO_SANDBOX_AUTO_CONSENT,
  });
  // Every org, accounts first so seeded contacts can point at them.
  for (const org of sandbox.orgs) {
    if (env.ZOHO_SANDBOX_SEED_ACCOUNTS > 0) org.seed('Accounts', env.ZOHO_SANDBOX_SEED_ACCOUNTS);
    if (env.ZOHO_SANDBOX_SEED_CONTACTS > 0) org.seed('Contacts', env.ZOHO_SANDBOX_SEED_CONTACTS);
  }
  logger.info({ dataCentres: sandbox.dataCentres.map(({ location, accountsUrl, apiUrl }) => ({ location, accountsUrl, apiUrl })), orgs: sandbox.orgs.map((org) => `${org.name} (${org.location})`) }, 'zoho sandbox listening');
  return sandbox;
});
