// The Dynamics 365 sandbox as `npm run dev` offers it: a login host and two environments (contoso, fabrikam) on fixed
// ports, seeded, with a consent page that names the environment the developer typed on the connect screen.
import type { DevSandbox } from '../common/dev-sandbox';
import { DEFAULT_OPTIONS } from './options';

const HOST = '127.0.0.1';

/** On ports from 4040 (login host, then one per environment), moved by the dev stack's port offset. */
export function dynamicsDevSandbox(portOffset: number): DevSandbox {
  const login = 4040 + portOffset;
  const environments = { contoso: login + 1, fabrikam: login + 2 };
  const loginUrl = `http://${HOST}:${login}`;
  return {
    name: 'dynamics',
    title: 'Sandbox Dynamics 365',
    entry: 'sandbox/dynamics/main.ts',
    env: {
      DYNAMICS_SANDBOX_PORT: String(login),
      DYNAMICS_SANDBOX_HOST: HOST,
      DYNAMICS_SANDBOX_ENVIRONMENTS: Object.entries(environments).map(([name, port]) => `${name}:${port}`).join(','),
      DYNAMICS_SANDBOX_SEED_CONTACTS: '200',
      DYNAMICS_SANDBOX_SEED_ACCOUNTS: '50',
    },
    ports: [login, ...Object.values(environments)].map((port) => ({ host: HOST, port })),
    readyUrl: `${loginUrl}/__sandbox/stats`,
    summary: `${loginUrl}  (environment URLs for the connect screen: ${Object.values(environments).map((port) => `http://${HOST}:${port}`).join(', ')})`,
    // The multi-tenant endpoints, as the catalog's defaults are; the consent page names the environment asked for.
    integration: {
      key: 'dynamics-sandbox',
      provider: 'dynamics',
      clientId: DEFAULT_OPTIONS.clientId,
      clientSecret: DEFAULT_OPTIONS.clientSecret,
      authorizationUrl: `${loginUrl}/organizations/oauth2/v2.0/authorize`,
      tokenUrl: `${loginUrl}/organizations/oauth2/v2.0/token`,
    },
  };
}
