// The Pipedrive sandbox as `npm run dev` offers it: the OAuth host and one seeded company's API host on fixed ports.
import type { DevSandbox } from '../common/dev-sandbox';
import { DEFAULT_OPTIONS } from './options';

/** The ports from a base: the OAuth host (oauth.pipedrive.com) and the company's API host ({company}.pipedrive.com). */
export const pipedriveSandboxPorts = (base: number) => ({ oauth: base, company: base + 1 });

const HOST = '127.0.0.1';

/** On ports from 4050, moved by the dev stack's port offset. */
export function pipedriveDevSandbox(portOffset: number): DevSandbox {
  const basePort = 4050 + portOffset;
  const ports = pipedriveSandboxPorts(basePort);
  const oauthUrl = `http://${HOST}:${ports.oauth}`;
  return {
    name: 'pipedrive',
    title: 'Sandbox Pipedrive',
    entry: 'sandbox/pipedrive/main.ts',
    env: {
      PIPEDRIVE_SANDBOX_PORT: String(basePort),
      PIPEDRIVE_SANDBOX_HOST: HOST,
      PIPEDRIVE_SANDBOX_SEED_PERSONS: '200',
      PIPEDRIVE_SANDBOX_SEED_ORGANIZATIONS: '50',
    },
    ports: [
      { host: HOST, port: ports.oauth },
      { host: HOST, port: ports.company },
    ],
    readyUrl: `${oauthUrl}/__sandbox/stats`,
    summary: `${oauthUrl}  (company API http://${HOST}:${ports.company}, named by the token answer's api_domain)`,
    // No API base: each connection's is the api_domain of its token answers. Webhooks: see docs/providers/pipedrive.md.
    integration: {
      key: 'pipedrive-sandbox',
      provider: 'pipedrive',
      clientId: DEFAULT_OPTIONS.clientId,
      clientSecret: DEFAULT_OPTIONS.clientSecret,
      authorizationUrl: `${oauthUrl}/oauth/authorize`,
      tokenUrl: `${oauthUrl}/oauth/token`,
    },
  };
}
