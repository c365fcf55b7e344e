// The browser connect story: the app asks for a connect session, the customer's browser goes through the provider's
// consent with state and PKCE, and the callback creates the connection or re-authorises it. Every failure changes nothing.
import type { Logger } from 'pino';
import type { ModelState } from '../../contracts/connection-workflow-messages';
import { AppError } from '../../errors/app-error';
import { hashOneTimeToken, newOneTimeToken } from '../../oauth/one-time-token';
import { createPkcePair } from '../../oauth/pkce';
import { exchangeAuthorizationCode, TokenError, type TokenSet } from '../../oauth/token-client';
import type { ProviderCatalog } from '../../providers/catalog';
import type { ProviderDefinition } from '../../providers/provider-definition';
import type { Connection } from '../../store/connections';
import type { Store } from '../../store/store';
import type { ConnectionWorkflows } from '../connection-workflows';
import type { ConnectionUseCases } from './connections';

export interface ConnectFlowSettings {
  /** Where browsers reach this API; the provider redirects to `<publicUrl>/oauth/callback`. */
  publicUrl: string;
  /** How long a connect URL can wait to be opened. */
  connectTokenTtlMs: number;
  /** How long the customer has on the provider's consent page. */
  stateTtlMs: number;
  /** Injectable so tests can expire tokens and states without waiting. */
  now: () => number;
}

export const DEFAULT_CONNECT_FLOW_TIMING: Omit<ConnectFlowSettings, 'publicUrl'> = {
  connectTokenTtlMs: 15 * 60_000,
  stateTtlMs: 10 * 60_000,
  now: Date.now,
};

export interface ConnectSessionView {
  token: string;
  expiresAt: Date;
  connectUrl: string;
}

export interface CallbackInput {
  state?: string;
  code?: string;
  error?: string;
  error_description?: string;
}

export type ConnectOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; providerName: string; connectionId: string };

const START_AGAIN = 'Start connecting again from the app.';

export class ConnectUseCases {
  private readonly publicUrl: string;

  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
    private readonly connections: ConnectionUseCases,
    private readonly workflows: ConnectionWorkflows,
    private readonly settings: ConnectFlowSettings,
    private readonly logger: Logger,
  ) {
    this.publicUrl = settings.publicUrl.replace(/\/+$/, '');
  }

  get redirectUri(): string {
    return `${this.publicUrl}/oauth/callback`;
  }

  /** The app (with its secret key) lets one browser connect one account: a connect token only its hash is kept of. */
  async createSession(input: { integration: string; connectionId: string; redirectUrl?: string }): Promise<ConnectSessionView> {
    const integration = await this.store.integrations.find(input.integration);
    if (!integration) throw AppError.invalid('body.integration', `integration "${input.integration}" does not exist`);
    const existing = await this.store.connections.find(input.connectionId);
    if (existing) this.assertSameIntegration(existing, input.integration);

    const { token, hash } = newOneTimeToken();
    const now = new Date(this.settings.now());
    const expiresAt = new Date(now.getTime() + this.settings.connectTokenTtlMs);
    await this.store.connectSessions.create({
      _id: hash,
      integration: integration.key,
      connectionId: input.connectionId,
      redirectUrl: input.redirectUrl ?? null,
      createdAt: now,
      expiresAt,
    });
    const query = new URLSearchParams({ connectionId: input.connectionId, connectToken: token });
    return { token, expiresAt, connectUrl: `${this.publicUrl}/oauth/connect/${encodeURIComponent(integration.key)}?${query}` };
  }

  /**
   * The browser opened the connect URL: spend the connect token, remember a fresh state and PKCE verifier, and
   * send the browser to the provider. `browserNonceHash` binds the state to this browser's cookie.
   */
  async startAuthorization(
    input: { integration: string; connectionId: string; connectToken: string },
    browserNonceHash: string,
  ): Promise<{ authorizeUrl: string; state: string; stateTtlMs: number }> {
    const now = new Date(this.settings.now());
    const session = await this.store.connectSessions.use(
      hashOneTimeToken(input.connectToken),
      { integration: input.integration, connectionId: input.connectionId },
      now,
    );
    if (!session) {
      throw new AppError(
        'validation_failed',
        `This connect link cannot be used: it has expired, was already used, or was made for another account. ${START_AGAIN}`,
      );
    }
    const integration = await this.store.integrations.get(session.integration);
    const { clientId } = await this.store.integrations.getClientCredentials(integration.key);
    const state = newOneTimeToken();
    const pkce = createPkcePair();
    await this.store.oauthStates.create({
      stateHash: state.hash,
      connectSessionId: session.id,
      integration: session.integration,
      connectionId: session.connectionId,
      redirectUrl: session.redirectUrl,
      codeVerifier: pkce.verifier,
      browserBindingHash: browserNonceHash,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.stateTtlMs),
    });

    const authorizeUrl = new URL(integration.authorizationUrl);
    authorizeUrl.searchParams.set('response_type', 'code');
    authorizeUrl.searchParams.set('client_id', clientId);
    authorizeUrl.searchParams.set('redirect_uri', this.redirectUri);
    if (integration.scopes.length > 0) authorizeUrl.searchParams.set('scope', integration.scopes.join(' '));
    authorizeUrl.searchParams.set('state', state.token);
    authorizeUrl.searchParams.set('code_challenge', pkce.challenge);
    authorizeUrl.searchParams.set('code_challenge_method', pkce.method);
    return { authorizeUrl: authorizeUrl.toString(), state: state.token, stateTtlMs: this.settings.stateTtlMs };
  }

  /**
   * The provider sent the browser back. The state is consumed first, whatever follows, so it can never be replayed;
   * every check that fails ends here with nothing else changed.
   */
  async finishAuthorization(input: CallbackInput, browserNonceHash: string | null): Promise<ConnectOutcome> {
    if (!input.state) throw new AppError('validation_failed', `The answer from the sign-in page has no state. ${START_AGAIN}`);
    const pending = await this.store.oauthStates.consume(hashOneTimeToken(input.state));
    if (!pending) throw new AppError('validation_failed', `This sign-in is unknown or was already completed. ${START_AGAIN}`);
    if (pending.expiresAt.getTime() <= this.settings.now()) throw new AppError('validation_failed', `This sign-in took too long and expired. ${START_AGAIN}`);
    if (browserNonceHash !== pending.browserBindingHash) {
      throw new AppError('validation_failed', `This sign-in was started in another browser. ${START_AGAIN}`);
    }

    const integration = await this.store.integrations.get(pending.integration);
    const provider = this.catalog.get(integration.provider);
    if (input.error) {
      const reason = input.error_description ? `${input.error}: ${input.error_description}` : input.error;
      throw new AppError('validation_failed', `${provider.displayName} did not grant access (${reason}). Nothing was changed.`);
    }
    if (!input.code) throw new AppError('validation_failed', `${provider.displayName} sent no authorization code. ${START_AGAIN}`);

    const tokens = await this.exchange(provider, pending.integration, input.code, pending.codeVerifier, pending.connectionId);
    await this.connectOrReauthorize(pending.connectionId, pending.integration, tokens);

    if (pending.redirectUrl) {
      const location = new URL(pending.redirectUrl);
      location.searchParams.set('connectionId', pending.connectionId);
      location.searchParams.set('status', 'connected');
      return { kind: 'redirect', location: location.toString() };
    }
    return { kind: 'page', providerName: provider.displayName, connectionId: pending.connectionId };
  }

  private async exchange(
    provider: ProviderDefinition,
    integrationKey: string,
    code: string,
    codeVerifier: string,
    connectionId: string,
  ): Promise<TokenSet & { refreshToken: string }> {
    const client = { ...(await this.store.integrations.getClientCredentials(integrationKey)), urlRules: this.catalog.urlRules(provider.key) };
    let tokens: TokenSet;
    try {
      tokens = await exchangeAuthorizationCode(provider.oauth, client, { code, redirectUri: this.redirectUri, codeVerifier });
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      // TokenError messages carry the provider's error code and description, never a token or secret.
      this.logger.warn({ integration: integrationKey, connectionId, kind: error.kind, reason: error.message }, 'authorization code exchange failed');
      if (error.kind === 'transient') {
        throw new AppError('unavailable', `${provider.displayName} did not answer while finishing the sign-in. ${START_AGAIN}`);
      }
      throw new AppError('validation_failed', `${provider.displayName} refused to finish the sign-in (${error.message.replace(/^token endpoint refused: /, '')}). ${START_AGAIN}`);
    }
    if (!tokens.refreshToken) {
      throw new AppError(
        'validation_failed',
        `${provider.displayName} granted no refresh token (the app needs the refresh_token or offline_access scope), so the account could not stay connected. Nothing was changed.`,
      );
    }
    return { ...tokens, refreshToken: tokens.refreshToken };
  }

  private async connectOrReauthorize(connectionId: string, integration: string, tokens: TokenSet & { refreshToken: string }): Promise<void> {
    const credentials = { refreshToken: tokens.refreshToken, accessToken: tokens.accessToken, instanceUrl: tokens.instanceUrl };
    const existing = await this.store.connections.find(connectionId);
    if (!existing) {
      try {
        await this.connections.create({
          connectionId,
          integration,
          credentials: { refreshToken: credentials.refreshToken, accessToken: credentials.accessToken, instanceUrl: credentials.instanceUrl ?? undefined },
        });
        return;
      } catch (error) {
        // Another callback for the same connection won the race: this one re-authorises it instead.
        if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      }
    }
    const connection = existing ?? (await this.store.connections.get(connectionId));
    this.assertSameIntegration(connection, integration);
    const generation = await this.store.connections.replaceCredentials(connectionId, credentials, tokens.expiresAt);
    if (!(await this.workflows.reauthorize(connectionId, generation))) await this.restartWorkflow(connection, generation);
  }

  /** A connection whose workflow has ended (terminated by an operator, say) runs again from its stored schedule. */
  private async restartWorkflow(connection: Connection, generation: number): Promise<void> {
    const now = Date.now();
    const models: Record<string, ModelState> = {};
    for (const [model, schedule] of Object.entries(connection.syncs)) {
      models[model] = { frequencyMs: schedule.frequencyMs, nextRunAt: now, activeRun: null, requestedMode: null };
    }
    await this.workflows.start({
      connectionId: connection.connectionId,
      integration: connection.integration,
      provider: connection.provider,
      models,
      credentials: { generation, refreshAt: null },
      status: 'active',
      statusReason: null,
      announceAuth: 'reauthorization',
    });
  }

  private assertSameIntegration(connection: Connection, integration: string): void {
    if (connection.integration !== integration) {
      throw new AppError('conflict', `Connection "${connection.connectionId}" belongs to integration "${connection.integration}", not "${integration}".`);
    }
  }
}
