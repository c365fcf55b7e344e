// A test stack with a sandbox Dynamics 365 next to the sandbox Salesforce: wraps startTestStack and adds the Dynamics
// sandbox (a login host and one listener per environment), registered as an integration through the API, and
// connections made with sandbox grants and their environment URL as connect input; and Dynamics as sandboxed-providers
// describes every provider.
import { startDynamicsSandbox, type DynamicsSandbox, type DynamicsSandboxOptions } from '../../sandbox/dynamics/server';
import type { SandboxedProvider } from './sandboxed-providers';
import { startTestStack, type ApiResponse, type TestStack, type TestStackOptions } from './test-stack';

export const DYNAMICS_INTEGRATION = 'dynamics-sandbox';

export interface DynamicsStack extends TestStack {
  dynamics: DynamicsSandbox;
  /**
   * Registers the sandbox as a `dynamics` integration (once; its sign-in and token URLs name the sandbox tenant, as a
   * single-tenant app's would) and connects a fresh grant for `environment` (default: the first).
   */
  connectDynamics(connectionId: string, options?: { environment?: string; syncs?: Record<string, { frequency: string }> }): Promise<ApiResponse>;
  ensureIntegration(): Promise<void>;
}

export async function startDynamicsStack(options: TestStackOptions & { dynamics?: DynamicsSandboxOptions }): Promise<DynamicsStack> {
  const { dynamics: dynamicsOptions, ...stackOptions } = options;
  const dynamics = await startDynamicsSandbox({ tokenLatencyMs: 50, ...dynamicsOptions });
  let stack: TestStack;
  try {
    stack = await startTestStack(stackOptions);
  } catch (error) {
    await dynamics.close();
    throw error;
  }
  let integrationCreated = false;
  const closeStack = stack.close.bind(stack);
  const ensureIntegration = async () => {
    if (integrationCreated) return;
    const created = await stack.api('POST', '/integrations', {
      key: DYNAMICS_INTEGRATION,
      provider: 'dynamics',
      clientId: '6f0a9c1e-8d2b-4e57-9a31-2c4d5e6f7a80',
      clientSecret: 'dynamics-sandbox-client-secret',
      authorizationUrl: `${dynamics.url}/${dynamics.tenantId}/oauth2/v2.0/authorize`,
      tokenUrl: `${dynamics.url}/${dynamics.tenantId}/oauth2/v2.0/token`,
    });
    if (created.status !== 201) throw new Error(`integration: ${JSON.stringify(created.body)}`);
    integrationCreated = true;
  };
  return Object.assign(stack, {
    dynamics,
    ensureIntegration,
    async connectDynamics(connectionId: string, connect: { environment?: string; syncs?: Record<string, { frequency: string }> } = {}) {
      await ensureIntegration();
      const grant = dynamics.issueGrant({ environment: connect.environment });
      return stack.api('POST', '/connections', {
        connectionId,
        integration: DYNAMICS_INTEGRATION,
        credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken },
        connectInputs: { environmentUrl: grant.environmentUrl },
        ...(connect.syncs ? { syncs: connect.syncs } : {}),
      });
    },
    async close() {
      await closeStack();
      await dynamics.close();
    },
  });
}

/** Dynamics as every provider's tests see it (sandboxed-providers.ts): its first environment, named as a connect input. */
export const sandboxedDynamics: SandboxedProvider = {
  provider: 'dynamics',
  async start(_stack, contacts) {
    const dynamics = await startDynamicsSandbox({ environments: [{ name: 'contoso' }] });
    const environment = dynamics.environment('contoso');
    environment.seed('contacts', contacts);
    return {
      integration: {
        key: DYNAMICS_INTEGRATION,
        provider: 'dynamics',
        clientId: '6f0a9c1e-8d2b-4e57-9a31-2c4d5e6f7a80',
        clientSecret: 'dynamics-sandbox-client-secret',
        authorizationUrl: `${dynamics.url}/organizations/oauth2/v2.0/authorize`,
        tokenUrl: `${dynamics.url}/organizations/oauth2/v2.0/token`,
      },
      credentials() {
        const grant = dynamics.issueGrant();
        return { refreshToken: grant.refreshToken, accessToken: grant.accessToken };
      },
      connectInputs: { environmentUrl: environment.url },
      close: () => dynamics.close(),
    };
  },
};
