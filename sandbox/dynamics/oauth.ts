// The Microsoft identity platform v2.0 endpoints of one tenant: authorize (consent page, PKCE, state) and token
// (authorization_code, refresh_token), with scopes naming one environment (`<env>/.default` or
// `<env>/user_impersonation`, plus `offline_access` for a refresh token) and AADSTS-coded errors.
import { Router, type Request } from 'express';
import { WALL_CLOCK } from '../common/clock';
import { PendingAuthorizations, redirectWith, type AuthorizationRequest as CommonAuthorizationRequest } from '../common/authorizations';
import { consentPage, escapeHtml } from '../common/consent-page';
import { clientCredentials, isHttpUrl, sameText, text } from '../common/oauth-values';
import { isValidChallenge, verifierMatches } from '../common/pkce';
import type { SandboxContext } from './context';
import type { Environment } from './environment';
import { aadError, signInPageError, type SandboxHttpError } from './errors';

const CODE_LIFETIME_MS = 10 * 60 * 1000;
/** The tenant segments the endpoints answer: the tenant's id, its domain, or the multi-tenant aliases. */
const MULTI_TENANT = new Set(['common', 'organizations']);

interface AuthorizationRequest extends CommonAuthorizationRequest {
  environment: Environment;
  /** The scope as asked, echoed in the consent page. */
  scope: string;
  offlineAccess: boolean;
  openid: boolean;
}

type ScopeOutcome = { ok: true; environment: Environment; offlineAccess: boolean; openid: boolean } | { ok: false; error: SandboxHttpError };

/**
 * A scope names exactly one resource, an environment URL with `/.default` or `/user_impersonation`; the OpenID
 * scopes may come with it. An environment the tenant does not have is AADSTS500011, as for a mistyped org URL.
 */
export function parseScope(context: SandboxContext, scope: string | undefined): ScopeOutcome {
  if (!scope) return { ok: false, error: aadError(400, 'invalid_request', 900144, "The request body must contain the following parameter: 'scope'.") };
  const parts = scope.split(/\s+/).filter(Boolean);
  const oidc = new Set(['openid', 'profile', 'email', 'offline_access']);
  const resources = parts.filter((part) => !oidc.has(part));
  if (resources.length === 0) return { ok: false, error: aadError(400, 'invalid_scope', 70011, "The provided value for the input parameter 'scope' is not valid. It must name the environment: https://<org>.crm.dynamics.com/.default.") };
  const parsed = resources.map((resource) => /^(https?:\/\/[^/]+)\/{1,2}(\.default|user_impersonation)$/i.exec(resource));
  if (parsed.some((match) => !match)) return { ok: false, error: aadError(400, 'invalid_scope', 70011, `The provided value for the input parameter 'scope' is not valid. The scope '${scope}' is not valid.`) };
  const origins = new Set(parsed.map((match) => new URL(match![1]).origin));
  if (origins.size > 1) return { ok: false, error: aadError(400, 'invalid_scope', 28000, 'Provided value for the input parameter scope is not valid because it contains more than one resource.') };
  const origin = [...origins][0];
  const environment = context.environmentByOrigin(origin);
  if (!environment) {
    return {
      ok: false,
      error: aadError(400, 'invalid_resource', 500011, `The resource principal named ${origin} was not found in the tenant named ${context.sessions.user.tenantId}. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.`),
    };
  }
  return { ok: true, environment, offlineAccess: parts.includes('offline_access'), openid: parts.includes('openid') };
}

export function oauthRoutes(context: SandboxContext): Router {
  const router = Router();
  // Each environment's clock stamps its rows only; the login host's codes and tokens live on wall time.
  const authorizations = new PendingAuthorizations<AuthorizationRequest>(CODE_LIFETIME_MS, { prefix: '1.A', bytes: 120 }, WALL_CLOCK);
  const lifetimes = () => ({ accessMs: context.options.accessTokenLifetimeMs, refreshMs: context.options.refreshTokenLifetimeMs });

  const knownTenant = (tenant: string) => MULTI_TENANT.has(tenant) || tenant === context.sessions.user.tenantId || tenant === tenantDomain(context);
  const tenantNotFound = (tenant: string) =>
    aadError(400, 'invalid_tenant', 90002, `Tenant '${tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`);

  router.get('/:tenant/oauth2/v2.0/authorize', (req, res) => {
    const tenant = String(req.params.tenant);
    if (!knownTenant(tenant)) throw signInPageError(90002, `Tenant '${tenant}' not found.`);
    const clientId = text(req.query.client_id);
    const redirectUri = text(req.query.redirect_uri);
    if (!clientId || clientId !== context.options.clientId) throw signInPageError(700016, `Application with identifier '${clientId ?? ''}' was not found in the directory.`);
    if (!redirectUri || !isHttpUrl(redirectUri)) throw signInPageError(50011, 'The redirect URI specified in the request does not match the redirect URIs configured for the application.');
    const state = text(req.query.state);
    const fail = (error: SandboxHttpError) => {
      const body = error.body as { error: string; error_description: string };
      res.redirect(302, redirectWith(redirectUri, { error: body.error, error_description: body.error_description, state }));
    };
    if (req.query.response_type !== 'code') return fail(aadError(400, 'unsupported_response_type', 900144, "The provided value for the input parameter 'response_type' is not allowed for this request. Expected value: 'code'."));
    const scope = parseScope(context, text(req.query.scope));
    if (!scope.ok) return fail(scope.error);
    const codeChallenge = text(req.query.code_challenge);
    if (codeChallenge && !isValidChallenge(codeChallenge, text(req.query.code_challenge_method))) {
      return fail(aadError(400, 'invalid_request', 501491, 'Invalid size of Code_Challenge parameter.'));
    }
    const request: AuthorizationRequest = { clientId, redirectUri, state, codeChallenge, scope: String(req.query.scope), environment: scope.environment, offlineAccess: scope.offlineAccess, openid: scope.openid };
    if (context.options.autoConsent) return res.redirect(302, authorizations.approve(request));
    res.type('html').send(microsoftConsentPage(`/${encodeURIComponent(tenant)}/oauth2/v2.0/authorize`, authorizations.awaitConsent(request), request));
  });

  router.post('/:tenant/oauth2/v2.0/authorize', (req, res) => {
    const request = authorizations.takeConsent(text(req.body?.ticket));
    if (!request) throw signInPageError(50058, 'The sign-in session expired: start again.');
    if (req.body?.decision === 'allow') return res.redirect(302, authorizations.approve(request));
    const denied = aadError(400, 'access_denied', 65004, 'User declined to consent to access the app.').body as { error: string; error_description: string };
    res.redirect(302, redirectWith(request.redirectUri, { error: denied.error, error_description: denied.error_description, state: request.state }));
  });

  router.post('/:tenant/oauth2/v2.0/token', async (req, res) => {
    const tenant = String(req.params.tenant);
    if (!knownTenant(tenant)) throw tenantNotFound(tenant);
    const grantType = text(req.body?.grant_type);
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') {
      throw aadError(400, 'unsupported_grant_type', 70003, `The app requested an unsupported grant type '${grantType ?? ''}'.`);
    }
    const clientId = authenticateClient(context, req);
    await context.delays.wait(context.options.tokenLatencyMs);

    if (grantType === 'authorization_code') {
      const issued = authorizations.takeCode(text(req.body.code));
      if (!issued) throw aadError(400, 'invalid_grant', 54005, 'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.');
      if (issued.expired) throw aadError(400, 'invalid_grant', 70008, 'The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource.');
      if (issued.clientId !== clientId) throw aadError(400, 'invalid_grant', 70000, "The provided value for the 'code' parameter is not valid.");
      if (text(req.body.redirect_uri) !== issued.redirectUri) throw aadError(400, 'invalid_grant', 50148, 'The redirect_uri does not match the one used in the authorization request.');
      if (issued.codeChallenge && !verifierMatches(text(req.body.code_verifier), issued.codeChallenge)) {
        throw aadError(400, 'invalid_grant', 501481, 'The Code_Verifier does not match the code_challenge supplied in the authorization request.');
      }
      const { access, refreshToken } = context.sessions.createGrant(clientId, issued.environment.url, lifetimes(), issued.offlineAccess);
      res.json(tokenBody(context, issued.environment, access.expiresAt - access.issuedAt, access.token, refreshToken, issued.openid ? context.sessions.idToken(clientId, lifetimes().accessMs) : null));
      return;
    }

    const refreshToken = text(req.body.refresh_token) ?? '';
    const grantId = context.sessions.grantIdOfRefreshToken(refreshToken) ?? 'unknown';
    // The v2.0 endpoint mints for the resource the refresh request names; without a scope, the first environment's.
    const scope = req.body.scope === undefined ? null : parseScope(context, text(req.body.scope));
    if (scope && !scope.ok) {
      context.stats.refreshed(grantId, false, (scope.error.body as { error: string }).error);
      throw scope.error;
    }
    const environment = scope ? scope.environment : context.environments[0];
    const outcome = context.sessions.refresh(refreshToken, clientId, environment.url, lifetimes());
    if (!outcome.ok) {
      const error = refreshError(outcome);
      context.stats.refreshed(grantId, false, (error.body as { error_codes: number[] }).error_codes.join(','));
      throw error;
    }
    context.stats.refreshed(outcome.grant.id, true);
    res.json(tokenBody(context, environment, outcome.access.expiresAt - outcome.access.issuedAt, outcome.access.token, outcome.refreshToken, scope?.ok && scope.openid ? context.sessions.idToken(clientId, lifetimes().accessMs) : null));
  });

  return router;
}

export function tenantDomain(context: SandboxContext): string {
  return `sandbox${context.sessions.user.tenantId.slice(0, 8)}.onmicrosoft.com`;
}

/** A confidential client: the secret in the form (client_secret_post) or HTTP Basic. */
function authenticateClient(context: SandboxContext, req: Request): string {
  const { clientId, clientSecret } = clientCredentials(req);
  if (!clientId || !sameText(clientId, context.options.clientId)) {
    throw aadError(400, 'unauthorized_client', 700016, `Application with identifier '${clientId ?? ''}' was not found in the directory '${context.sessions.user.tenantId}'.`);
  }
  if (!clientSecret || !sameText(clientSecret, context.options.clientSecret)) {
    throw aadError(401, 'invalid_client', 7000215, `Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${clientId}'.`);
  }
  return clientId;
}

function refreshError(outcome: Exclude<ReturnType<SandboxContext['sessions']['refresh']>, { ok: true }>): SandboxHttpError {
  switch (outcome.reason) {
    case 'revoked':
      return aadError(400, 'invalid_grant', 50173, `The provided grant has expired due to it being revoked, a fresh auth token is needed. The user might have changed or reset their password. The grant was issued on '${new Date(outcome.grant?.issuedAt ?? 0).toISOString()}' and the TokensValidFrom date (before which tokens are not valid) for this user is '${new Date(outcome.grant?.revokedAt ?? 0).toISOString()}'.`);
    case 'expired':
      return aadError(400, 'invalid_grant', 700082, `The refresh token has expired due to inactivity. The token was issued on ${new Date(outcome.issuedAt ?? 0).toISOString()} and was inactive for 90.00:00:00.`);
    case 'client_mismatch':
      return aadError(400, 'invalid_grant', 70000, 'The refresh token was issued to a different client.');
    default:
      return aadError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
  }
}

function tokenBody(context: SandboxContext, environment: Environment, lifetimeMs: number, accessToken: string, refreshToken: string | null, idToken: string | null) {
  const expiresIn = Math.round(lifetimeMs / 1000);
  return {
    token_type: 'Bearer',
    // What was granted: the environment's delegated permission, whichever form the request used.
    scope: `${environment.url}/user_impersonation`,
    expires_in: expiresIn,
    ext_expires_in: expiresIn,
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    ...(idToken ? { id_token: idToken } : {}),
  };
}

function microsoftConsentPage(action: string, ticket: string, request: AuthorizationRequest): string {
  return consentPage({
    title: 'Permissions requested | Microsoft Sandbox',
    heading: 'Permissions requested',
    requestHtml: `The app wants to access Dynamics 365 as you in the environment <code>${escapeHtml(request.environment.url)}</code> (${escapeHtml(request.environment.name)}), with the scope <code>${escapeHtml(request.scope)}</code>.`,
    action,
    ticket,
    allowLabel: 'Accept',
    denyLabel: 'Cancel',
  });
}
