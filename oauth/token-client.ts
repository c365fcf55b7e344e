// Talks to a provider's OAuth token endpoint (code exchange, refresh, introspection), shaped by its catalog entry.
import type { ProviderDefinition, ProviderOAuth, TokenErrorConvention } from '../providers/provider-definition';
import { BodyTooLargeError, isRedirect, readTextWithLimit } from '../security/limited-body';
import { connectionApiBaseUrl } from '../security/connection-api-base-url';
import { UrlRefusedError, type ProviderUrlRules } from '../security/provider-urls';
import { accountIdInAnswer, identifyAccount } from './account-identity';
import { assertSameDataCentre } from './token-host';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  /** The connection's own (its stored token host, see `connectionTokenUrl`) or else the integration's. */
  tokenUrl: string;
  /** Where the client secret and tokens may be sent, and which API base URLs an answer may name. */
  urlRules: ProviderUrlRules;
  /** The integration's API base URL, for an account lookup on the API when the token answer names no base of its own. */
  apiBaseUrl?: string | null;
  /** Sent with a refresh when the provider wants the scopes named again (`oauth.scopeOnRefresh`), space-separated. */
  refreshScope?: string;
}

/** What the token client reads of a catalog entry: its OAuth conventions and how it names the account. */
export type TokenProvider = Pick<ProviderDefinition, 'oauth' | 'accountIdentity' | 'api'>;

export interface TokenSet {
  accessToken: string;
  /** Null when the provider did not send one (Salesforce on refresh without rotation): keep the stored one. */
  refreshToken: string | null;
  /** The connection's own API base URL, from the answer's `oauth.apiBaseUrlField`; null when it names none. */
  instanceUrl: string | null;
  /** Null when the provider would not say. */
  expiresAt: Date | null;
}

/**
 * - `invalid_grant`: the refresh token or code is dead (revoked, expired, already used): permanent.
 * - `transient`: network errors, timeouts, 5xx, and refusals the provider means as "not now" (`transientCodes`): try
 *   again later.
 * - `rejected`: any other refusal (bad client credentials, malformed request): permanent until reconfigured.
 */
export class TokenError extends Error {
  constructor(
    readonly kind: 'invalid_grant' | 'transient' | 'rejected',
    message: string,
    /** False when no answer arrived (network error, timeout): the provider may still have issued tokens. */
    readonly answered = true,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

const TOKEN_TIMEOUT_MS = 30_000;

/** How long one request to the token endpoint may take, and what else may end it (an activity's cancellation). */
export interface TokenRequestLimits {
  /** At most TOKEN_TIMEOUT_MS, whatever is asked. */
  timeoutMs?: number;
  /** Aborts the request: the caller gave up, so no answer may be waited for (or acted on) any more. */
  signal?: AbortSignal;
}

const RFC6749_TOKEN_ERRORS: TokenErrorConvention = { codeField: 'error', messageField: 'error_description', invalidGrantCodes: ['invalid_grant'] };

/**
 * Answers as soon as the token endpoint has: with rotation the answer holds the only usable refresh token, so it
 * must be stored before anything else can fail. `expiresAt` is only what the answer itself says (`expires_in`);
 * for providers that need introspection, ask `introspectExpiry` after storing.
 */
export async function refreshAccessToken(
  provider: Pick<ProviderDefinition, 'oauth' | 'accountIdentity'>,
  client: OAuthClient,
  refreshToken: string,
  limits: TokenRequestLimits = {},
): Promise<TokenSet & { accountIdInAnswer: string | null }> {
  const form: Record<string, string> = { grant_type: 'refresh_token', refresh_token: refreshToken };
  if (provider.oauth.scopeOnRefresh && client.refreshScope) form.scope = client.refreshScope;
  const { tokens, json } = await requestTokens(provider.oauth, client, form, limits);
  // What the answer says of the account, asking nobody: a connection created with a refresh token alone learns its
  // account here (or, when the answer does not say, from the lookup its refresh activity makes next).
  return { ...tokens, accountIdInAnswer: accountIdInAnswer(provider.accountIdentity, json) };
}

/** The account is what the answer says or the provider's lookup answers; null when neither tells (best effort). */
export async function exchangeAuthorizationCode(
  provider: TokenProvider,
  client: OAuthClient,
  grant: { code: string; redirectUri: string; codeVerifier?: string },
): Promise<TokenSet & { accountId: string | null }> {
  const { oauth } = provider;
  const form: Record<string, string> = { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri };
  if (grant.codeVerifier) form.code_verifier = grant.codeVerifier;
  const { tokens, json } = await requestTokens(oauth, client, form);
  const target = {
    accessToken: tokens.accessToken,
    apiBaseUrl: connectionApiBaseUrl(tokens, client, provider),
    tokenUrl: client.tokenUrl,
    urlRules: client.urlRules,
    maxResponseBytes: oauth.maxResponseBytes,
    authorizationScheme: provider.api.authorizationScheme,
  };
  return {
    ...tokens,
    expiresAt: tokens.expiresAt ?? (await expiryOf(oauth, client, tokens.accessToken, json)),
    accountId: await identifyAccount(provider.accountIdentity, target, json).catch(() => null),
  };
}

/** When the answer did not say how long the access token lives: the provider's introspection, or its usual lifetime. */
export async function introspectExpiry(
  provider: Pick<ProviderDefinition, 'oauth'>,
  client: OAuthClient,
  accessToken: string,
  limits: TokenRequestLimits = {},
): Promise<Date | null> {
  return expiryOf(provider.oauth, client, accessToken, {}, limits);
}

async function requestTokens(
  oauth: ProviderOAuth,
  client: OAuthClient,
  form: Record<string, string>,
  limits: TokenRequestLimits = {},
): Promise<{ tokens: TokenSet; json: Record<string, unknown> }> {
  const answer = await postForm(oauth, client, client.tokenUrl, new URLSearchParams(form), limits);
  if (answer.status >= 500) throw new TokenError('transient', `token endpoint answered HTTP ${answer.status}`);
  const json = answer.json as Record<string, unknown> | undefined;
  const convention = oauth.tokenErrors ?? RFC6749_TOKEN_ERRORS;
  if (answer.status >= 400 || !json || refusedWithOk(convention, json)) {
    const code = typeof json?.[convention.codeField] === 'string' ? (json[convention.codeField] as string) : `HTTP ${answer.status}`;
    const message = json?.[convention.messageField];
    // Copied into connection errors and pages: kept short.
    const description = typeof message === 'string' ? `: ${message.length > 200 ? `${message.slice(0, 200)}…` : message}` : '';
    const dead = convention.invalidGrantCodes.includes(code);
    const later = convention.transientCodes?.includes(code) === true;
    throw new TokenError(dead ? 'invalid_grant' : later ? 'transient' : 'rejected', `token endpoint refused: ${code}${description}`);
  }
  if (typeof json.access_token !== 'string' || json.access_token.length === 0) {
    throw new TokenError('transient', 'token endpoint answered without an access_token');
  }
  const instanceUrl = oauth.apiBaseUrlField ? json[oauth.apiBaseUrlField] : undefined;
  if (typeof instanceUrl === 'string') {
    // Every later access token would go there: an answer naming a host outside the provider's is refused whole.
    try {
      client.urlRules.check(instanceUrl);
      // With several data centres, also one of the answering token host's own.
      if (oauth.tokenHostFromCallback) assertSameDataCentre(oauth.tokenHostFromCallback, client.urlRules, client.tokenUrl, instanceUrl);
    } catch (error) {
      if (!(error instanceof UrlRefusedError)) throw error;
      throw new TokenError('rejected', `token endpoint answered with an ${oauth.apiBaseUrlField} that ${error.message}`);
    }
  }
  const tokens: TokenSet = {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' && json.refresh_token.length > 0 ? json.refresh_token : null,
    instanceUrl: typeof instanceUrl === 'string' ? instanceUrl : null,
    expiresAt: expiresInOf(oauth, json),
  };
  return { tokens, json };
}

/** A 2xx answer that is a refusal all the same (`refusesWithOk`): no access token, and an error code where the convention keeps it. */
function refusedWithOk(convention: TokenErrorConvention, json: Record<string, unknown>): boolean {
  return convention.refusesWithOk === true && json.access_token === undefined && typeof json[convention.codeField] === 'string';
}

function expiresInOf(oauth: ProviderOAuth, json: Record<string, unknown>): Date | null {
  if (oauth.tokenLifetime.source !== 'expires_in') return null;
  const seconds = Number(json.expires_in);
  return Number.isFinite(seconds) && seconds > 0 ? new Date(Date.now() + seconds * 1000) : null;
}

async function expiryOf(
  oauth: ProviderOAuth,
  client: OAuthClient,
  accessToken: string,
  json: Record<string, unknown>,
  limits: TokenRequestLimits = {},
): Promise<Date | null> {
  const lifetime = oauth.tokenLifetime;
  if (lifetime.source === 'expires_in') return expiresInOf(oauth, json);
  const fallback = new Date(Date.now() + lifetime.fallbackSeconds * 1000);
  try {
    const url = new URL(lifetime.introspectionPath, client.tokenUrl);
    const body = new URLSearchParams({ token: accessToken, token_type_hint: 'access_token' });
    const answer = await postForm(oauth, client, url.toString(), body, limits);
    const info = answer.json as { active?: boolean; exp?: number } | undefined;
    if (answer.status === 200 && info?.active === true && typeof info.exp === 'number') return new Date(info.exp * 1000);
  } catch {
    // Introspection is an optimisation: without it the fallback lifetime and refresh-on-401 still hold.
  }
  return fallback;
}

/**
 * POSTs a form to the token or introspection endpoint with the app's credentials, as the provider takes them: in
 * the body (`form`) or as HTTP Basic (`basic`, each part form-encoded first as RFC 6749 §2.3.1 says).
 */
async function postForm(
  oauth: ProviderOAuth,
  client: OAuthClient,
  url: string,
  form: URLSearchParams,
  limits: TokenRequestLimits,
): Promise<{ status: number; json: unknown }> {
  const body = new URLSearchParams(form);
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' };
  if (oauth.clientAuthentication === 'basic') {
    headers.authorization = `Basic ${Buffer.from(`${formEncoded(client.clientId)}:${formEncoded(client.clientSecret)}`).toString('base64')}`;
  } else {
    body.set('client_id', client.clientId);
    body.set('client_secret', client.clientSecret);
  }
  try {
    await client.urlRules.checkBeforeConnect(url);
  } catch (error) {
    if (!(error instanceof UrlRefusedError)) throw error;
    throw new TokenError('rejected', `token endpoint URL ${error.message}; nothing was sent`);
  }
  const timeoutMs = Math.max(0, Math.floor(Math.min(TOKEN_TIMEOUT_MS, limits.timeoutMs ?? TOKEN_TIMEOUT_MS)));
  const signals = [AbortSignal.timeout(timeoutMs)];
  if (limits.signal) signals.push(limits.signal);
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers,
      body,
      signal: AbortSignal.any(signals),
      // Following a 307/308 would re-send the client secret and refresh token to wherever Location points.
      redirect: 'manual',
    });
    if (isRedirect(response)) {
      await response.body?.cancel().catch(() => undefined);
      throw new TokenError('rejected', `token endpoint answered HTTP ${response.status}, a redirect; redirects are not followed with credentials`);
    }
    text = await readTextWithLimit(response, oauth.maxResponseBytes);
  } catch (error) {
    if (error instanceof TokenError) throw error;
    if (error instanceof BodyTooLargeError) throw new TokenError('rejected', `token endpoint answered more than ${error.maxBytes} bytes (the provider's oauth.maxResponseBytes)`);
    const reason =
      limits.signal?.aborted ? 'request abandoned (the refresh attempt was cancelled)'
      : (error as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms`
      : (error as Error).message;
    throw new TokenError('transient', `token endpoint unreachable: ${reason}`, false);
  }
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    return { status: response.status >= 500 ? response.status : 502, json: undefined };
  }
}

function formEncoded(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
