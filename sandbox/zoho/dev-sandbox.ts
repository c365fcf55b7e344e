// The Zoho CRM sandbox as `npm run dev` offers it: US and EU data centres on fixed ports, an org in each, and a consent
// page that lets the developer sign in to either.
import type { DevSandbox } from '../common/dev-sandbox';
import { DEFAULT_OPTIONS } from './options';

/** The ports from a base: US accounts server, US API domain, EU accounts server, EU API domain. */
export const zohoSandboxPorts = (base: number) => ({ usAccounts: base, usApi: base + 1, euAccounts: base + 2, euApi: base + 3 });

const US_HOST = '127.0.0.1';
const EU_HOST = '127.0.0.2';

/** On ports from 4030, moved by the dev stack's port offset. */
export function zohoDevSandbox(portOffset: number): DevSandbox {
  const basePort = 4030 + portOffset;
  const ports = zohoSandboxPorts(basePort);
  const usAccounts = `http://${US_HOST}:${ports.usAccounts}`;
  return {
    name: 'zoho',
    title: 'Sandbox Zoho CRM',
    entry: 'sandbox/zoho/main.ts',
    env: {
      ZOHO_SANDBOX_PORT: String(basePort),
      ZOHO_SANDBOX_US_HOST: US_HOST,
      ZOHO_SANDBOX_EU_HOST: EU_HOST,
      ZOHO_SANDBOX_SEED_CONTACTS: '200',
      ZOHO_SANDBOX_SEED_ACCOUNTS: '50',
    },
    ports: [
      { host: US_HOST, port: ports.usAccounts },
      { host: US_HOST, port: ports.usApi },
      { host: EU_HOST, port: ports.euAccounts },
      { host: EU_HOST, port: ports.euApi },
    ],
    readyUrl: `${usAccounts}/__sandbox/orgs`,
    summary: `${usAccounts}  (consent page: zylker in the US, or nordlicht in the EU at ${EU_HOST})`,
    // Sign-in and token URL on the US accounts server, as Zoho's: the callback names the customer's data centre.
    integration: {
      key: 'zoho-sandbox',
      provider: 'zoho',
      clientId: DEFAULT_OPTIONS.clientId,
      clientSecret: DEFAULT_OPTIONS.clientSecret,
      authorizationUrl: `${usAccounts}/oauth/v2/auth`,
      tokenUrl: `${usAccounts}/oauth/v2/token`,
    },
  };
}
