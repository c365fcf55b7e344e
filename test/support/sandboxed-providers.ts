// Every provider as one shape, for tests that tell the same story of each: start its sandbox with a contact, the
// integration to register for it, and the credentials of a fresh grant. A provider's entry lives beside its test
// stack (Zoho's in zoho-stack.ts); Salesforce's and HubSpot's are here.
import { startHubSpotSandbox } from '../../sandbox/hubspot/server';
import type { TestStack } from './test-stack';

export interface SandboxedAccount {
  /** The body of `POST /integrations`: key `<provider>-sandbox`, its sign-in and token URLs on the sandbox. */
  integration: Record<string, unknown>;
  /** `credentials` for `POST /connections`: a fresh grant of the account. */
  credentials(): Record<string, unknown>;
  /** `connectInputs` for `POST /connections`, for a provider that asks some (Dynamics' environment URL). */
  connectInputs?: Record<string, string>;
  close(): Promise<void>;
}

export interface SandboxedProvider {
  provider: string;
  /** Starts the provider's sandbox (or uses the stack's own Salesforce one) holding `contacts` contacts. */
  start(stack: TestStack, contacts: number): Promise<SandboxedAccount>;
}

export const sandboxedSalesforce: SandboxedProvider = {
  provider: 'salesforce',
  async start(stack, contacts) {
    stack.sandbox.seed('Contact', contacts);
    return {
      integration: stack.salesforceIntegration(),
      credentials() {
        const grant = stack.sandbox.issueGrant();
        return { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.instanceUrl };
      },
      close: async () => undefined,
    };
  },
};

export const sandboxedHubSpot: SandboxedProvider = {
  provider: 'hubspot',
  async start(_stack, contacts) {
    const hubspot = await startHubSpotSandbox();
    hubspot.seed('contacts', contacts);
    return {
      integration: {
        key: 'hubspot-sandbox',
        provider: 'hubspot',
        clientId: 'hubspot-sandbox-client-id',
        clientSecret: 'hubspot-sandbox-client-secret',
        authorizationUrl: `${hubspot.url}/oauth/authorize`,
        tokenUrl: `${hubspot.url}/oauth/v1/token`,
        apiBaseUrl: hubspot.url,
      },
      credentials() {
        const grant = hubspot.issueGrant();
        return { refreshToken: grant.refreshToken, accessToken: grant.accessToken };
      },
      close: () => hubspot.close(),
    };
  },
};
