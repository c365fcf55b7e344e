// A test stack with a sandbox HubSpot next to the sandbox Salesforce: wraps startTestStack and adds the HubSpot
// sandbox, registered as an integration through the API, and connections with sandbox grants.
import { startHubSpotSandbox, type HubSpotSandbox, type HubSpotSandboxOptions } from '../../sandbox/hubspot/server';
import { startTestStack, type ApiResponse, type TestStack, type TestStackOptions } from './test-stack';

export const HUBSPOT_INTEGRATION = 'hubspot-sandbox';

export interface HubSpotStack extends TestStack {
  hubspot: HubSpotSandbox;
  /**
   * Registers the sandbox as a `hubspot` integration (once) and connects a fresh grant. HubSpot has one API host for
   * every customer: the integration's `apiBaseUrl` points it at the sandbox, as it would at a regional data centre.
   */
  connectHubSpot(connectionId: string, syncs?: Record<string, { frequency: string }>): Promise<ApiResponse>;
}

export async function startHubSpotStack(options: TestStackOptions & { hubspot?: HubSpotSandboxOptions }): Promise<HubSpotStack> {
  const { hubspot: hubspotOptions, ...stackOptions } = options;
  const hubspot = await startHubSpotSandbox({ tokenLatencyMs: 50, ...hubspotOptions });
  let stack: TestStack;
  try {
    stack = await startTestStack(stackOptions);
  } catch (error) {
    await hubspot.close();
    throw error;
  }
  let integrationCreated = false;
  const closeStack = stack.close.bind(stack);
  return Object.assign(stack, {
    hubspot,
    async connectHubSpot(connectionId: string, syncs?: Record<string, { frequency: string }>) {
      if (!integrationCreated) {
        const created = await stack.api('POST', '/integrations', {
          key: HUBSPOT_INTEGRATION,
          provider: 'hubspot',
          clientId: 'hubspot-sandbox-client-id',
          clientSecret: 'hubspot-sandbox-client-secret',
          authorizationUrl: `${hubspot.url}/oauth/authorize`,
          tokenUrl: `${hubspot.url}/oauth/v1/token`,
          apiBaseUrl: hubspot.url,
        });
        if (created.status !== 201) throw new Error(`integration: ${JSON.stringify(created.body)}`);
        integrationCreated = true;
      }
      const grant = hubspot.issueGrant();
      return stack.api('POST', '/connections', {
        connectionId,
        integration: HUBSPOT_INTEGRATION,
        credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken },
        ...(syncs ? { syncs } : {}),
      });
    },
    async close() {
      await closeStack();
      await hubspot.close();
    },
  });
}
