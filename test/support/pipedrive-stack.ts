// A test stack with a sandbox Pipedrive next to the sandbox Salesforce: wraps startTestStack and adds the Pipedrive
// sandbox, registered as an integration through the API, connections with sandbox grants, and webhooks registered at
// the sandbox company the way the README tells an operator to (the integration's URL and HTTP Basic credentials).
import { startPipedriveSandbox, type PipedriveSandbox, type PipedriveSandboxOptions } from '../../sandbox/pipedrive/server';
import type { SandboxedProvider } from './sandboxed-providers';
import { startTestStack, type ApiResponse, type TestStack, type TestStackOptions } from './test-stack';

export const PIPEDRIVE_INTEGRATION = 'pipedrive-sandbox';
export const PIPEDRIVE_CLIENT = { id: 'pipedrive-sandbox-client-id', secret: 'pipedrive-sandbox-client-secret' };

/** What a stack needs to use a sandbox Pipedrive: the integration, connections and webhooks at its companies. */
export interface PipedriveConnector {
  /** Registers the sandbox as a `pipedrive` integration (once). */
  ensurePipedriveIntegration(): Promise<void>;
  /**
   * Connects a fresh grant of a sandbox company (default the first), with its access token and API domain as a
   * finished sign-in would have stored them.
   */
  connectPipedrive(connectionId: string, syncs?: Record<string, { frequency: string }>, options?: { company?: string }): Promise<ApiResponse>;
  /**
   * Registers a v2 webhook at a sandbox company for `object`'s events, with the URL and HTTP Basic credentials the
   * integration's own view shows. Returns the webhook's id.
   */
  registerPipedriveWebhook(object: 'person' | 'organization', options?: { company?: string }): Promise<number>;
}

export interface PipedriveStack extends TestStack, PipedriveConnector {
  pipedrive: PipedriveSandbox;
}

export async function startPipedriveStack(options: TestStackOptions & { pipedrive?: PipedriveSandboxOptions }): Promise<PipedriveStack> {
  const { pipedrive: pipedriveOptions, ...stackOptions } = options;
  // Deliveries are retried after 3, 30 and 150 s: a thousandth of that here, so a test sees the retries.
  const pipedrive = await startPipedriveSandbox({ tokenLatencyMs: 50, webhookTimeScale: 0.001, ...pipedriveOptions });
  let stack: TestStack;
  try {
    stack = await startTestStack(stackOptions);
  } catch (error) {
    await pipedrive.close();
    throw error;
  }
  const closeStack = stack.close.bind(stack);
  return Object.assign(stack, {
    pipedrive,
    ...pipedriveConnector(stack, pipedrive),
    async close() {
      await closeStack();
      await pipedrive.close();
    },
  });
}

/** The integration, connections and webhooks of `pipedrive` on any test stack (the chaos suite's too). */
export function pipedriveConnector(stack: Pick<TestStack, 'api'>, pipedrive: PipedriveSandbox): PipedriveConnector {
  let integrationCreated = false;
  const ensurePipedriveIntegration = async () => {
    if (integrationCreated) return;
    // No apiBaseUrl: every connection's API host is the api_domain of its own token answers.
    const created = await stack.api('POST', '/integrations', {
      key: PIPEDRIVE_INTEGRATION,
      provider: 'pipedrive',
      clientId: PIPEDRIVE_CLIENT.id,
      clientSecret: PIPEDRIVE_CLIENT.secret,
      authorizationUrl: `${pipedrive.url}/oauth/authorize`,
      tokenUrl: `${pipedrive.url}/oauth/token`,
    });
    if (created.status !== 201) throw new Error(`integration: ${JSON.stringify(created.body)}`);
    integrationCreated = true;
  };
  return {
    ensurePipedriveIntegration,
    async connectPipedrive(connectionId: string, syncs?: Record<string, { frequency: string }>, connectOptions: { company?: string } = {}) {
      await ensurePipedriveIntegration();
      const grant = pipedrive.issueGrant({ company: connectOptions.company });
      return stack.api('POST', '/connections', {
        connectionId,
        integration: PIPEDRIVE_INTEGRATION,
        credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.apiDomain },
        ...(syncs ? { syncs } : {}),
      });
    },
    async registerPipedriveWebhook(object: 'person' | 'organization', webhookOptions: { company?: string } = {}) {
      await ensurePipedriveIntegration();
      const view = (await stack.api('GET', `/integrations/${PIPEDRIVE_INTEGRATION}`)).body.providerWebhook;
      // The company's admin registers it with a token of their own, as in Pipedrive's settings or its API.
      const admin = pipedrive.issueGrant({ company: webhookOptions.company });
      const answer = await fetch(`${admin.apiDomain}/api/v1/webhooks`, {
        method: 'POST',
        headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify({
          subscription_url: view.url,
          event_action: '*',
          event_object: object,
          http_auth_user: view.credentials.username,
          http_auth_password: view.credentials.password,
          version: '2.0',
        }),
      });
      const body = (await answer.json()) as { data?: { id: number } };
      if (answer.status !== 201 || !body.data) throw new Error(`webhook registration: ${answer.status} ${JSON.stringify(body)}`);
      return body.data.id;
    },
  };
}

/** Pipedrive for tests that tell the same story of every provider: a company's persons, its grant's api_domain. */
export const sandboxedPipedrive: SandboxedProvider = {
  provider: 'pipedrive',
  async start(_stack, contacts) {
    const pipedrive = await startPipedriveSandbox({});
    pipedrive.seed('persons', contacts);
    return {
      integration: {
        key: PIPEDRIVE_INTEGRATION,
        provider: 'pipedrive',
        clientId: PIPEDRIVE_CLIENT.id,
        clientSecret: PIPEDRIVE_CLIENT.secret,
        authorizationUrl: `${pipedrive.url}/oauth/authorize`,
        tokenUrl: `${pipedrive.url}/oauth/token`,
      },
      credentials() {
        const grant = pipedrive.issueGrant();
        return { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.apiDomain };
      },
      close: () => pipedrive.close(),
    };
  },
};
