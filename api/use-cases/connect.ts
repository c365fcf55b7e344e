// The browser connect story: the app asks for a connect session, the customer's browser goes through the provider's
// consent with state and PKCE, and the callback creates the connection or re-authorises it. Every failure changes nothing.
import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import { AppError } from '../../errors/app-error';
import { hashOneTimeToken, newOneTimeToken } from '../../oauth/one-time-token';
import { createPkcePair } from '../../oauth/pkce';
import { exchangeAuthorizationCode, TokenError, type TokenSet } from '../../oauth/token-client';
import { checkedTokenHost, connectionTokenUrl } from '../../oauth/token-host';
import type { ProviderCatalog } from '../../providers/catalog';
import { checkConnectInputs, ConnectInputError, connectionOAuthTargets, connectionOwnApiBase, type ConnectInputValues, type ConnectionOAuthTargets } from '../../providers/connect-inputs';
import type { ProviderDefinition } from '../../providers/provider-definition';
import { UrlRefusedError } from '../../security/provider-urls';
import { CONNECT_INPUT_FIELD_PREFIX } from '../schemas';
import type { Connection } from '../../store/connections';
import type { Store } from '../../store/store';
import type { ConnectionWorkflows } from '../connection-workflows';
import { workflowStartState } from '../workflow-start-state';
import { conflictAt, notFoundAt } from '../validation';
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
  /** The app's name on the connect screen and its result pages (TRIBUTARY_APP_NAME). */
  appName: string;
}

export const DEFAULT_CONNECT_FLOW_TIMING: Omit<ConnectFlowSettings, 'publicUrl' | 'appName'> = {
  connectTokenTtlMs: 15 * 60_000,
  stateTtlMs: 10 * 60_000,
  now: Date.now,
};

/** A field of the connect screen: what the provider asks before sign-in, pre-filled when known. */
export interface ConnectScreenInput {
  name: string;
  label: string;
  example: string;
  value: string;
}

/** What the connect screen shows before the customer commits to anything. */
export interface ConnectScreenView {
  appName: string;
  providerName: string;
  permissions: string[];
  /** What the provider asks before sign-in (Dynamics' environment URL); empty for most providers. */
  inputs: ConnectScreenInput[];
  /** How long the connect link stays usable: the screen's nonce cookie lives as long. */
  validForMs: number;
}

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
  /** The provider's own parameters (Zoho's `accounts-server`), as the browser sent them: only the catalog's are read. */
  [parameter: string]: unknown;
}

export type ConnectOutcome =
  | { kind: 'redirect'; location: string }
  | { kind: 'page'; providerName: string; connectionId: string };

const START_AGAIN = 'Start connecting again from the app.';

// A link or sign-in that names no usable session is a 404: there is nothing left that it could open.
function unusableLink(): AppError {
  return new AppError('not_found', `This connect link cannot be used: it has expired, was already used, or was made for another account. ${START_AGAIN}`);
}

/**
 * What a successful code exchange yields: tokens that can stay connected, the account they are for, and the token
 * host the callback named (null: the integration's).
 */
type SignedIn = TokenSet & { refreshToken: string; accountId: string | null; tokenHost: string | null };

/** A sign-in as it is stored: with the connect inputs it was made with (empty for providers that ask none). */
type SignedInWith = SignedIn & { connectInputs: ConnectInputValues };

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
  async createSession(input: {
    integration: string;
    connectionId: string;
    redirectUrl?: string;
    allowAccountChange?: boolean;
    connectInputs?: Record<string, string>;
  }): Promise<ConnectSessionView> {
    const integration = await this.store.integrations.find(input.integration);
    if (!integration) throw notFoundAt('body.integration', `integration "${input.integration}" does not exist`);
    const existing = await this.store.connections.find(input.connectionId);
    if (existing) this.assertSameIntegration(existing, input.integration);
    const prefilled = this.checkedInputs(this.catalog.get(integration.provider), input.connectInputs ?? {}, { field: 'body.connectInputs.', unaskedIsConflict: true }, { partial: true });

    const { token, hash } = newOneTimeToken();
    const now = new Date(this.settings.now());
    const expiresAt = new Date(now.getTime() + this.settings.connectTokenTtlMs);
    await this.store.connectSessions.create({
      _id: hash,
      integration: integration.key,
      connectionId: input.connectionId,
      redirectUrl: input.redirectUrl ?? null,
      allowAccountChange: input.allowAccountChange ?? false,
      ...(Object.keys(prefilled).length > 0 ? { connectInputs: prefilled } : {}),
      createdAt: now,
      expiresAt,
    });
    const query = new URLSearchParams({ connectionId: input.connectionId, connectToken: token });
    return { token, expiresAt, connectUrl: `${this.publicUrl}/oauth/connect/${encodeURIComponent(integration.key)}?${query}` };
  }

  /**
   * The browser opened the connect URL: say what connecting means, spending nothing, so a link scanner (a mail
   * gateway opening every link) cannot use up the customer's link. Unusable links fail here already, with the same
   * words as when spending them.
   */
  async describeConnect(input: { integration: string; connectionId: string; connectToken: string }): Promise<ConnectScreenView> {
    const session = await this.store.connectSessions.peek(
      hashOneTimeToken(input.connectToken),
      { integration: input.integration, connectionId: input.connectionId },
      new Date(this.settings.now()),
    );
    if (!session) throw unusableLink();
    const integration = await this.store.integrations.get(session.integration);
    const provider = this.catalog.get(integration.provider);
    const scopes = integration.scopes.length > 0 ? integration.scopes : provider.oauth.defaultScopes;
    const permissions = scopes.map((scope) => provider.oauth.scopeDescriptions[scope] ?? `use the "${scope}" permission`);
    // Pre-filled by the app, or else what the connection being re-authorised was made with.
    const known = { ...(await this.store.connections.find(input.connectionId))?.connectInputs, ...session.connectInputs };
    return {
      appName: this.settings.appName,
      providerName: provider.displayName,
      permissions: [...new Set(permissions)],
      inputs: (provider.connectInputs ?? []).map((field) => ({ name: field.name, label: field.label, example: field.example, value: known[field.name] ?? '' })),
      validForMs: session.expiresAt.getTime() - this.settings.now(),
    };
  }

  /**
   * Connect inputs, checked against the provider's rules; a refusal names `<field><name>` (the connect screen's
   * `input.<name>`, the API's `body.connectInputs.<name>`). It is a 400, except where `unaskedIsConflict`: the API
   * answers an input the provider does not ask for with 409 (well-formed, wrong for this provider), while the connect
   * screen shows every refusal again on the screen (its 400).
   */
  private checkedInputs(
    provider: ProviderDefinition,
    given: Record<string, string | undefined>,
    refusal: { field: string; unaskedIsConflict: boolean },
    options: { partial?: boolean } = {},
  ): ConnectInputValues {
    try {
      return checkConnectInputs(provider, this.catalog.urlPolicy, given, options);
    } catch (error) {
      if (!(error instanceof ConnectInputError)) throw error;
      const refuse = error.notAsked && refusal.unaskedIsConflict ? conflictAt : AppError.invalid;
      throw refuse(`${refusal.field}${error.input}`, error.message);
    }
  }

  /**
   * The customer pressed Connect: spend the connect token, remember a fresh state and PKCE verifier, and
   * send the browser to the provider. `browserNonceHash` binds the state to this browser's cookie.
   */
  async startAuthorization(
    input: { integration: string; connectionId: string; connectToken: string; connectInputs?: Record<string, string> },
    browserNonceHash: string,
  ): Promise<{ authorizeUrl: string; state: string; stateTtlMs: number }> {
    const now = new Date(this.settings.now());
    const integration = await this.store.integrations.find(input.integration);
    if (!integration) throw unusableLink();
    const provider = this.catalog.get(integration.provider);
    // Checked before anything is spent, like the URL below: a mistyped environment URL can be corrected on the screen.
    const connectInputs = this.checkedInputs(provider, input.connectInputs ?? {}, { field: CONNECT_INPUT_FIELD_PREFIX, unaskedIsConflict: false });
    const targets = connectionOAuthTargets(provider, integration, connectInputs);
    // Checked before anything is spent: the customer's browser, with a state and our client id, goes there next.
    const authorizeUrl = this.authorizationUrlOf(integration.key, targets.authorizationUrl, provider);
    const session = await this.store.connectSessions.use(
      hashOneTimeToken(input.connectToken),
      { integration: input.integration, connectionId: input.connectionId },
      now,
    );
    if (!session) throw unusableLink();
    const { clientId } = await this.store.integrations.getClientCredentials(integration.key);
    const state = newOneTimeToken();
    const pkce = createPkcePair();
    await this.store.oauthStates.create({
      stateHash: state.hash,
      connectSessionId: session.id,
      integration: session.integration,
      connectionId: session.connectionId,
      redirectUrl: session.redirectUrl,
      // Sessions stored before the option existed allow no change.
      allowAccountChange: session.allowAccountChange === true,
      connectInputs,
      codeVerifier: pkce.verifier,
      browserBindingHash: browserNonceHash,
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.settings.stateTtlMs),
    });

    // The provider's own parameters first (Salesforce's prompt=consent); the flow's own ones always win.
    for (const [name, value] of Object.entries(provider.oauth.authorizationParams ?? {})) authorizeUrl.searchParams.set(name, value);
    authorizeUrl.searchParams.set('response_type', 'code');
    authorizeUrl.searchParams.set('client_id', clientId);
    authorizeUrl.searchParams.set('redirect_uri', this.redirectUri);
    if (targets.scopes.length > 0) authorizeUrl.searchParams.set('scope', targets.scopes.join(provider.oauth.scopeSeparator ?? ' '));
    authorizeUrl.searchParams.set('state', state.token);
    authorizeUrl.searchParams.set('code_challenge', pkce.challenge);
    authorizeUrl.searchParams.set('code_challenge_method', pkce.method);
    return { authorizeUrl: authorizeUrl.toString(), state: state.token, stateTtlMs: this.settings.stateTtlMs };
  }

  /**
   * The integration's authorization URL, only if it passes the provider's host rules: one stored before the rules
   * applied to updates, or that a narrowed TRIBUTARY_PROVIDER_EXTRA_HOSTS no longer allows, sends nobody anywhere.
   */
  private authorizationUrlOf(integrationKey: string, stored: string, provider: ProviderDefinition): URL {
    try {
      return this.catalog.urlRules(provider.key).check(stored);
    } catch (error) {
      if (!(error instanceof UrlRefusedError)) throw error;
      this.logger.error({ integration: integrationKey, reason: error.message }, "integration's authorizationUrl breaks the provider's host rules; connect refused");
      throw new AppError(
        'unavailable',
        `This app's ${provider.displayName} sign-in address is not one Tributary sends customers to, so nothing was done. The app's operator must correct the integration; then start connecting again from the app.`,
      );
    }
  }

  /**
   * The provider sent the browser back. The state is consumed first, whatever follows, so it can never be replayed;
   * every check that fails ends here with nothing else changed.
   */
  async finishAuthorization(input: CallbackInput, browserNonceHash: string | null): Promise<ConnectOutcome> {
    if (!input.state) throw new AppError('validation_failed', `The answer from the sign-in page has no state. ${START_AGAIN}`);
    const pending = await this.store.oauthStates.consume(hashOneTimeToken(input.state));
    if (!pending) throw new AppError('not_found', `This sign-in is unknown or was already completed. ${START_AGAIN}`);
    if ('unreadable' in pending) {
      // Started before an encryption key was retired (docs/security.md: wait out the states in flight first): spent, and refused.
      this.logger.warn({ integration: pending.integration, connectionId: pending.connectionId, reason: pending.reason }, 'OAuth state could not be opened; the customer must start again');
      throw new AppError('validation_failed', `This sign-in can no longer be finished (it was started before a security change on our side). ${START_AGAIN}`);
    }
    if (pending.expiresAt.getTime() <= this.settings.now()) throw new AppError('not_found', `This sign-in took too long and expired. ${START_AGAIN}`);
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

    const tokenHost = this.tokenHostOf(provider, integration.key, input);
    // The connect inputs the sign-in began with decide where the code is exchanged and where the connection's API is.
    const targets = connectionOAuthTargets(provider, integration, pending.connectInputs);
    const tokens = await this.exchange(provider, integration.key, targets, integration.apiBaseUrl, input.code, pending.codeVerifier, pending.connectionId, tokenHost);
    const signedIn = { ...tokens, instanceUrl: connectionOwnApiBase(tokens.instanceUrl, targets), connectInputs: pending.connectInputs };
    await this.connectOrReauthorize(pending.connectionId, pending.integration, provider, signedIn, pending.allowAccountChange);

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
    targets: ConnectionOAuthTargets,
    apiBaseUrl: string | null,
    code: string,
    codeVerifier: string,
    connectionId: string,
    tokenHost: string | null,
  ): Promise<SignedIn> {
    const credentials = await this.store.integrations.getClientCredentials(integrationKey);
    const client = {
      ...credentials,
      tokenUrl: connectionTokenUrl(targets.tokenUrl, tokenHost),
      urlRules: this.catalog.urlRules(provider.key),
      apiBaseUrl: targets.apiBaseUrl ?? apiBaseUrl,
    };
    let tokens: TokenSet & { accountId: string | null };
    try {
      tokens = await exchangeAuthorizationCode(provider, client, { code, redirectUri: this.redirectUri, codeVerifier });
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
    return { ...tokens, refreshToken: tokens.refreshToken, tokenHost };
  }

  /**
   * The token host the callback names, for a provider whose customers sign in at their own data centre's: refused (an
   * error page, nothing stored, the code sent nowhere) unless it passes the provider's host rules and is a token host
   * of one of its data centres. Null when the provider has none, or the callback names none (the integration's token
   * URL then answers, paired with the API base like any other).
   */
  private tokenHostOf(provider: ProviderDefinition, integrationKey: string, input: CallbackInput): string | null {
    const config = provider.oauth.tokenHostFromCallback;
    if (!config || input[config.queryParameter] === undefined) return null;
    const raw = input[config.queryParameter];
    try {
      if (typeof raw !== 'string') throw new UrlRefusedError('must be given once');
      return checkedTokenHost(config, this.catalog.urlRules(provider.key), raw);
    } catch (error) {
      if (!(error instanceof UrlRefusedError)) throw error;
      this.logger.warn({ integration: integrationKey, parameter: config.queryParameter, reason: error.message }, 'callback named a token host outside the provider\'s; sign-in refused');
      throw new AppError(
        'validation_failed',
        `${provider.displayName} sent the browser back naming a sign-in server (${config.queryParameter}) that ${error.message}, so nothing was done. ${START_AGAIN}`,
      );
    }
  }

  private async connectOrReauthorize(
    connectionId: string,
    integration: string,
    provider: ProviderDefinition,
    tokens: SignedInWith,
    allowAccountChange: boolean,
  ): Promise<void> {
    const existing = await this.store.connections.find(connectionId);
    if (!existing) {
      try {
        await this.connections.create({
          connectionId,
          integration,
          providerAccountId: tokens.accountId,
          credentials: {
            refreshToken: tokens.refreshToken,
            accessToken: tokens.accessToken,
            instanceUrl: tokens.instanceUrl ?? undefined,
            tokenHost: tokens.tokenHost ?? undefined,
          },
          connectInputs: { values: tokens.connectInputs, checked: true },
        });
        return;
      } catch (error) {
        // Another callback for the same connection won the race: this one re-authorises it instead.
        if (!(error instanceof AppError && error.code === 'conflict')) throw error;
      }
    }
    // Under the lock creates and deletes take: a delete racing this re-authorisation either ends before it (and the
    // customer is told) or starts after it (and stops the workflow this one signalled or restarted), so no workflow
    // is left running, or restarted, for a connection that no longer exists.
    await this.connections.exclusively(connectionId, () => this.reauthorize(connectionId, integration, provider, tokens, allowAccountChange));
  }

  private async reauthorize(connectionId: string, integration: string, provider: ProviderDefinition, tokens: SignedInWith, allowAccountChange: boolean): Promise<void> {
    const credentials = { refreshToken: tokens.refreshToken, accessToken: tokens.accessToken, instanceUrl: tokens.instanceUrl, tokenHost: tokens.tokenHost };
    const connection = await this.store.connections.find(connectionId);
    if (!connection) throw new AppError('conflict', `This connection was deleted while you were signing in, so nothing was stored. ${START_AGAIN}`);
    this.assertSameIntegration(connection, integration);
    // A connection stays with its account: one org's records and checkpoints must never mix with another's.
    const boundTo = connection.providerAccountId ?? null;
    if (!allowAccountChange && boundTo !== null && tokens.accountId !== boundTo) {
      await this.refuseAccountChange(connection, provider, boundTo, tokens.accountId);
    }
    // A move the session allowed, between two known accounts. (A connection whose account was never known is bound,
    // not moved: nothing says its data came from another account.)
    const movedTo = allowAccountChange && boundTo !== null && tokens.accountId !== null && tokens.accountId !== boundTo ? tokens.accountId : null;
    const generation = await this.store.connections.replaceCredentials(
      connectionId,
      credentials,
      tokens.expiresAt,
      {
        id: tokens.accountId,
        // Compare-and-set on the account seen above, so a concurrent re-authorisation cannot slip a change past it.
        ...(allowAccountChange && movedTo === null ? {} : { expected: boundTo }),
      },
      movedTo === null ? undefined : { models: Object.keys(connection.syncs) },
      tokens.connectInputs,
    );
    if (generation === null) {
      const now = await this.store.connections.get(connectionId);
      return this.refuseAccountChange(now, provider, now.providerAccountId ?? null, tokens.accountId);
    }
    if (movedTo !== null) await this.endOldLife(connection, provider, boundTo as string, movedTo);
    if (!(await this.workflows.reauthorize(connectionId, generation))) await this.restartWorkflow(connection, generation);
    await this.connections.events?.record(
      connectionId,
      'reauthorized',
      movedTo === null ? 're-authorised by the customer: new credentials stored' : `re-authorised into another account (${boundTo} → ${movedTo}): its data starts over`,
      { data: { accountId: tokens.accountId, movedFrom: movedTo === null ? null : boundTo }, actor: 'connect screen' },
    );
    if (movedTo !== null) {
      // Every model reads the new account from the start now, not at its next scheduled run.
      await this.workflows.requestSync(connectionId, { models: Object.keys(connection.syncs), mode: 'full' });
      await this.announceAccountChange(connection, boundTo as string, movedTo);
    }
  }

  /**
   * The connection now belongs to another account and lives as a new incarnation (stored with the credentials). Runs
   * of the old life still in flight are ended, so their slices stop at the next page; whatever they still write goes
   * under the old life's keys, which nothing reads, and their cursors are fenced out of the new life (commitCursor).
   */
  private async endOldLife(connection: Connection, provider: ProviderDefinition, from: string, to: string): Promise<void> {
    const what = provider.accountIdentity.noun;
    const ended = await this.store.runs.endRunningOfLife(connection.connectionId, connection.incarnation, {
      code: 'AccountChanged',
      message: `the connection moved from ${provider.displayName} ${what} ${from} to ${to}; its data starts over`,
    });
    this.logger.warn({ connectionId: connection.connectionId, from, to, runsEnded: ended }, 'connection moved to another provider account, as its connect session allowed; its data starts over');
  }

  /** Told by the API, not the workflow: only here is it known that the account changed (the workflow hears a generation). */
  private async announceAccountChange(connection: Connection, from: string, to: string): Promise<void> {
    try {
      await this.workflows.announce({
        id: `auth:${connection.connectionId}:${randomUUID()}`,
        type: 'auth',
        connectionId: connection.connectionId,
        integration: connection.integration,
        operation: 'account_change',
        success: true,
        error: null,
        at: new Date().toISOString(),
        accountChange: { from, to },
      });
    } catch (failure) {
      this.logger.error({ err: failure, connectionId: connection.connectionId }, 'could not announce the account change');
    }
  }

  /**
   * The sign-in was into another account than the connection's: nothing is stored (the connection keeps its old
   * credentials), the app hears of it by an `auth` webhook, and the customer reads why.
   */
  private async refuseAccountChange(connection: Connection, provider: ProviderDefinition, boundTo: string | null, signedInto: string | null): Promise<never> {
    const what = provider.accountIdentity.noun;
    const error =
      signedInto === null
        ? `${provider.displayName} did not say which ${what} the sign-in was into; the connection belongs to ${what} ${boundTo}`
        : `the sign-in was into ${provider.displayName} ${what} ${signedInto}, but the connection belongs to ${what} ${boundTo}`;
    this.logger.warn({ connectionId: connection.connectionId, boundTo, signedInto }, 're-authorisation into another account refused');
    try {
      await this.workflows.announce({
        id: `auth:${connection.connectionId}:${randomUUID()}`,
        type: 'auth',
        connectionId: connection.connectionId,
        integration: connection.integration,
        operation: 'reauthorization',
        success: false,
        error: `account mismatch: ${error}`,
        at: new Date().toISOString(),
      });
    } catch (failure) {
      // The refusal stands without the webhook; the log says the app was not told.
      this.logger.error({ err: failure, connectionId: connection.connectionId }, 'could not announce the refused re-authorisation');
    }
    throw new AppError(
      'conflict',
      `This connection belongs to another ${provider.displayName} ${what}: ${error}. Nothing was changed. Sign in to the ${what} it was made for, or ask the app to connect this ${what} as a new connection.`,
    );
  }

  /** A connection whose workflow has ended (terminated by an operator, say) runs again from its stored schedule. */
  private async restartWorkflow(connection: Connection, generation: number): Promise<void> {
    await this.workflows.start(workflowStartState(connection, generation, 'reauthorization'));
  }

  private assertSameIntegration(connection: Connection, integration: string): void {
    if (connection.integration !== integration) {
      throw new AppError('conflict', `Connection "${connection.connectionId}" belongs to integration "${connection.integration}", not "${integration}".`);
    }
  }
}
