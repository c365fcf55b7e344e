// Talks to a provider's OAuth token endpoint (code exchange, refresh, introspection), shaped by its catalog entry.
import type { ProviderOAuth } from '../providers/provider-definition';

export interface OAuthClient {
  clientId: string;
  clientSecret: string;
  tokenUrl: string;
}

export interface TokenSet {
  accessToken: string;
  /** Null when the provider did not send one (Salesforce on refresh without rotation): keep the stored one. */
  refreshToken: string | null;
  instanceUrl: string | null;
  /** Null when the provider would not say. */
  expiresAt: Date | null;
}

/**
 * - `invalid_grant`: the refresh token or code is dead (revoked, expired, already used): permanent.
 * - `transient`: network errors, timeouts and 5xx: try again later.
 * - `rejected`: any other refusal (bad client credentials, malformed request): permanent until reconfigured.
 */
export class TokenError extends Error {
  constructor(
    readonly kind: 'invalid_grant' | 'transient' | 'rejected',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

const TOKEN_TIMEOUT_MS = 30_000;

export async function refreshAccessToken(oauth: ProviderOAuth, client: OAuthClient, refreshToken: string): Promise<TokenSet> {
  return requestTokens(oauth, client, { grant_type: 'refresh_token', refresh_token: refreshToken });
}

export async function exchangeAuthorizationCode(
  oauth: ProviderOAuth,
  client: OAuthClient,
  grant: { code: string; redirectUri: string; codeVerifier?: string },
): Promise<TokenSet> {
  const form: Record<string, string> = { grant_type: 'authorization_code', code: grant.code, redirect_uri: grant.redirectUri };
  if (grant.codeVerifier) form.code_verifier = grant.codeVerifier;
  return requestTokens(oauth, client, form);
}

async function requestTokens(oauth: ProviderOAuth, client: OAuthClient, form: Record<string, string>): Promise<TokenSet> {
  const body = new URLSearchParams({ ...form, client_id: client.clientId, client_secret: client.clientSecret });
  const answer = await postForm(client.tokenUrl, body);
  if (answer.status >= 500) throw new TokenError('transient', `token endpoint answered HTTP ${answer.status}`);
  const json = answer.json as Record<string, unknown> | undefined;
  if (answer.status >= 400 || !json) {
    const code = typeof json?.error === 'string' ? json.error : `HTTP ${answer.status}`;
    const description = typeof json?.error_description === 'string' ? `: ${json.error_description}` : '';
    throw new TokenError(code === 'invalid_grant' ? 'invalid_grant' : 'rejected', `token endpoint refused: ${code}${description}`);
  }
  if (typeof json.access_token !== 'string' || json.access_token.length === 0) {
    throw new TokenError('transient', 'token endpoint answered without an access_token');
  }
  const instanceUrl = oauth.instanceUrlField ? json[oauth.instanceUrlField] : undefined;
  const tokens: TokenSet = {
    accessToken: json.access_token,
    refreshToken: typeof json.refresh_token === 'string' && json.refresh_token.length > 0 ? json.refresh_token : null,
    instanceUrl: typeof instanceUrl === 'string' ? instanceUrl : null,
    expiresAt: null,
  };
  tokens.expiresAt = await expiryOf(oauth, client, tokens.accessToken, json);
  return tokens;
}

async function expiryOf(oauth: ProviderOAuth, client: OAuthClient, accessToken: string, json: Record<string, unknown>): Promise<Date | null> {
  const lifetime = oauth.tokenLifetime;
  if (lifetime.source === 'expires_in') {
    const seconds = Number(json.expires_in);
    return Number.isFinite(seconds) && seconds > 0 ? new Date(Date.now() + seconds * 1000) : null;
  }
  const fallback = new Date(Date.now() + lifetime.fallbackSeconds * 1000);
  try {
    const url = new URL(lifetime.introspectionPath, client.tokenUrl);
    const body = new URLSearchParams({
      token: accessToken,
      token_type_hint: 'access_token',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    const answer = await postForm(url.toString(), body);
    const info = answer.json as { active?: boolean; exp?: number } | undefined;
    if (answer.status === 200 && info?.active === true && typeof info.exp === 'number') return new Date(info.exp * 1000);
  } catch {
    // Introspection is an optimisation: without it the fallback lifetime and refresh-on-401 still hold.
  }
  return fallback;
}

async function postForm(url: string, body: URLSearchParams): Promise<{ status: number; json: unknown }> {
  let response: Response;
  let text: string;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'application/json' },
      body,
      signal: AbortSignal.timeout(TOKEN_TIMEOUT_MS),
    });
    text = await response.text();
  } catch (error) {
    throw new TokenError('transient', `token endpoint unreachable: ${(error as Error).message}`);
  }
  try {
    return { status: response.status, json: JSON.parse(text) };
  } catch {
    return { status: response.status >= 500 ? response.status : 502, json: undefined };
  }
}
