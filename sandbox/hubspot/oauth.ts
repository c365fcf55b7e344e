// HubSpot's OAuth 2.0: the install page at /oauth/authorize (consent, redirect with a code, PKCE optional) and the
// v1 token endpoint, form-encoded, answering `expires_in: 1800` and errors as `{status: 'BAD_…', message}`.
import { Router } from 'express';
import { WALL_CLOCK } from '../common/clock';
import { PendingAuthorizations, redirectWith, type AuthorizationRequest as CommonAuthorizationRequest } from '../common/authorizations';
import { consentPage, escapeHtml } from '../common/consent-page';
import { isHttpUrl, sameText, text } from '../common/oauth-values';
import { isValidChallenge, verifierMatches } from '../common/pkce';
import type { SandboxContext } from './context';
import { tokenError } from './errors';
import type { AccessToken, Grant } from './sessions';

const CODE_LIFETIME_MS = 10 * 60 * 1000;

interface AuthorizationRequest extends CommonAuthorizationRequest {
  scopes: string[];
  /** The portal the installing user chose. */
  hubId: number;
}

/** HubSpot shows its own error page for a bad install link; it never redirects to an unverified URI. */
function installError(message: string): Error & { status: number; expose: boolean } {
  return Object.assign(new Error(message), { status: 400, expose: true });
}

export function oauthRoutes(context: SandboxContext): Router {
  const router = Router();
  // HubSpot codes are UUID-like; single use, valid for minutes.
  const authorizations = new PendingAuthorizations<AuthorizationRequest>(CODE_LIFETIME_MS, { prefix: 'na1-', bytes: 24 }, WALL_CLOCK);

  // `hub_id` has been part of the answer since 2025-08 (before, only the token-information endpoint below said it).
  const tokenBody = (grant: Grant, access: AccessToken) => ({
    token_type: 'bearer',
    refresh_token: grant.refreshToken,
    access_token: access.token,
    expires_in: Math.round((access.expiresAt - access.issuedAt) / 1000),
    hub_id: grant.hubId,
  });

  router.get('/oauth/authorize', (req, res) => {
    const clientId = text(req.query.client_id);
    const redirectUri = text(req.query.redirect_uri);
    if (!clientId || clientId !== context.options.clientId) throw installError('Authorization failed: unknown client_id');
    if (!redirectUri || !isHttpUrl(redirectUri)) throw installError('Authorization failed: redirect_uri is not a valid URL');
    const scope = text(req.query.scope);
    if (!scope) throw installError('Authorization failed: scope is required');
    const state = text(req.query.state);
    const codeChallenge = text(req.query.code_challenge);
    if (codeChallenge && !isValidChallenge(codeChallenge, text(req.query.code_challenge_method))) throw installError('Authorization failed: invalid code_challenge');
    const request: AuthorizationRequest = { clientId, redirectUri, state, scopes: scope.split(/[\s+]+/).filter(Boolean), codeChallenge, hubId: context.options.signInPortalId ?? context.portal.portalId };
    if (context.options.autoConsent) return res.redirect(302, authorizations.approve(request));
    res.type('html').send(hubSpotConsentPage(authorizations.awaitConsent(request), request.scopes));
  });

  router.post('/oauth/authorize', (req, res) => {
    const request = authorizations.takeConsent(text(req.body?.ticket));
    if (!request) throw installError('This install link expired: start again');
    if (req.body?.decision === 'allow') return res.redirect(302, authorizations.approve(request));
    res.redirect(302, redirectWith(request.redirectUri, { error: 'access_denied', error_description: 'The user declined to install the app', state: request.state }));
  });

  router.post('/oauth/v1/token', async (req, res) => {
    const grantType = text(req.body?.grant_type);
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') throw tokenError(400, 'BAD_GRANT_TYPE', 'grant_type must be authorization_code or refresh_token');
    const clientId = text(req.body.client_id);
    const clientSecret = text(req.body.client_secret);
    if (!clientId || !sameText(clientId, context.options.clientId)) throw tokenError(400, 'BAD_CLIENT_ID', 'missing or unknown client id');
    if (!clientSecret || !sameText(clientSecret, context.options.clientSecret)) throw tokenError(400, 'BAD_CLIENT_SECRET', 'missing or invalid client secret');
    await context.delays.wait(context.options.tokenLatencyMs);

    if (grantType === 'authorization_code') {
      const issued = authorizations.takeCode(text(req.body.code));
      if (!issued || issued.expired) throw tokenError(400, 'BAD_AUTH_CODE', 'missing or unknown auth code');
      if (text(req.body.redirect_uri) !== issued.redirectUri) throw tokenError(400, 'BAD_REDIRECT_URI', 'redirect_uri does not match initial auth code URI');
      if (issued.codeChallenge && !verifierMatches(text(req.body.code_verifier), issued.codeChallenge)) {
        throw tokenError(400, 'BAD_AUTH_CODE', 'code_verifier does not match the code_challenge');
      }
      const { grant, access } = context.sessions.createGrant(clientId, issued.scopes, context.options.accessTokenLifetimeMs, issued.hubId);
      res.json(tokenBody(grant, access));
      return;
    }

    const refreshToken = text(req.body.refresh_token) ?? '';
    const refreshed = context.sessions.refresh(refreshToken, clientId, context.options.accessTokenLifetimeMs);
    context.stats.refreshed(context.sessions.grantIdOfRefreshToken(refreshToken) ?? 'unknown', refreshed !== null);
    if (!refreshed) throw tokenError(400, 'BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    res.json(tokenBody(refreshed.grant, refreshed.access));
  });

  // Token information: who an access token belongs to (no client credentials needed; the token is the secret).
  router.get('/oauth/v1/access-tokens/:token', (req, res) => {
    const found = context.sessions.describe(req.params.token);
    if (!found) throw tokenError(404, 'BAD_ACCESS_TOKEN', 'access token not found or expired');
    res.json({
      token: found.access.token,
      user: 'integration.user@sandbox.example.com',
      hub_domain: `sandbox-${found.grant.hubId}.hubspot.example.com`,
      scopes: found.grant.scopes,
      hub_id: found.grant.hubId,
      app_id: 1,
      expires_in: Math.max(0, Math.round((found.access.expiresAt - Date.now()) / 1000)),
      user_id: 1,
      token_type: 'access',
    });
  });

  return router;
}

function hubSpotConsentPage(ticket: string, scopes: string[]): string {
  return consentPage({
    title: 'Connect app | HubSpot Sandbox',
    heading: 'Connect the app to your HubSpot account?',
    requestHtml: `It asks for: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}.`,
    action: '/oauth/authorize',
    ticket,
    allowLabel: 'Connect app',
    denyLabel: 'Cancel',
  });
}
