// A test stack with a sandbox Zoho CRM next to the sandbox Salesforce: wraps startTestStack and adds the Zoho sandbox
// (its US and EU data centres on loopback addresses of their own), registered as an integration, and connections.
import { startZohoSandbox, type ZohoSandbox, type ZohoSandboxOptions } from '../../sandbox/zoho/server';
import type { SandboxedProvider } from './sandboxed-providers';
import { startTestStack, type ApiResponse, type TestStack, type TestStackOptions } from './test-stack';

export const ZOHO_INTEGRATION = 'zoho-sandbox';

/**
 * Each data centre on its own loopback address: the engine pairs a loopback token host with an API base by address,
 * so a US token host and an EU API domain are told apart as they would be by name.
 */
export const ZOHO_DATA_CENTRES: ZohoSandboxOptions['dataCentres'] = [
  { location: 'us', host: '127.0.0.1' },
  { location: 'eu', host: '127.0.0.2' },
];

export interface ZohoStack extends TestStack {
  zoho: ZohoSandbox;
  /** Registers the sandbox as a `zoho` integration (once): sign-in and token URL on the US accounts server, as Zoho's. */
  registerZoho(): Promise<void>;
  /**
   * Connects a fresh grant of `org` (default the first, `zylker` in the US) with the tokens, API domain and accounts
   * server the grant is for, as an app that did the OAuth dance itself would.
   */
  connectZoho(connectionId: string, options?: { org?: string; syncs?: Record<string, { frequency: string }> }): Promise<ApiResponse>;
}

export async function startZohoStack(options: TestStackOptions & { zoho?: ZohoSandboxOptions }): Promise<ZohoStack> {
  const { zoho: zohoOptions, ...stackOptions } = options;
  const zoho = await startZohoSandbox({ tokenLatencyMs: 50, dataCentres: ZOHO_DATA_CENTRES, ...zohoOptions });
  let stack: TestStack;
  try {
    stack = await startTestStack(stackOptions);
  } catch (error) {
    await zoho.close();
    throw error;
  }
  const closeStack = stack.close.bind(stack);
  const zohoStack: ZohoStack = Object.assign(stack, {
    zoho,
    ...zohoConnector(stack, zoho),
    async close() {
      await closeStack();
      await zoho.close();
    },
  });
  return zohoStack;
}

/** Registering the sandbox as an integration and connecting its orgs, on any stack (the chaos suite's too). */
export function zohoConnector(stack: TestStack, zoho: ZohoSandbox): Pick<ZohoStack, 'registerZoho' | 'connectZoho'> {
  let integrationCreated = false;
  const connector: Pick<ZohoStack, 'registerZoho' | 'connectZoho'> = {
    async registerZoho() {
      if (integrationCreated) return;
      const us = zoho.dataCentre('us').accountsUrl;
      const created = await stack.api('POST', '/integrations', {
        key: ZOHO_INTEGRATION,
        provider: 'zoho',
        clientId: zoho.clientId,
        clientSecret: zoho.clientSecret,
        authorizationUrl: `${us}/oauth/v2/auth`,
        tokenUrl: `${us}/oauth/v2/token`,
      });
      if (created.status !== 201) throw new Error(`integration: ${JSON.stringify(created.body)}`);
      integrationCreated = true;
    },
    async connectZoho(connectionId, connectOptions = {}) {
      await connector.registerZoho();
      const grant = zoho.issueGrant({ org: connectOptions.org });
      return stack.api('POST', '/connections', {
        connectionId,
        integration: ZOHO_INTEGRATION,
        credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.apiDomain, tokenHost: grant.accountsServer },
        ...(connectOptions.syncs ? { syncs: connectOptions.syncs } : {}),
      });
    },
  };
  return connector;
}

/** Zoho for tests that tell the same story of every provider: an EU org's contacts, its grant's accounts server. */
export const sandboxedZoho: SandboxedProvider = {
  provider: 'zoho',
  async start(_stack, contacts) {
    const zoho = await startZohoSandbox({ dataCentres: ZOHO_DATA_CENTRES });
    zoho.org('nordlicht').seed('Contacts', contacts);
    const us = zoho.dataCentre('us').accountsUrl;
    return {
      integration: {
        key: ZOHO_INTEGRATION,
        provider: 'zoho',
        clientId: zoho.clientId,
        clientSecret: zoho.clientSecret,
        authorizationUrl: `${us}/oauth/v2/auth`,
        tokenUrl: `${us}/oauth/v2/token`,
      },
      credentials() {
        const grant = zoho.issueGrant({ org: 'nordlicht' });
        return { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.apiDomain, tokenHost: grant.accountsServer };
      },
      close: () => zoho.close(),
    };
  },
};
