// oauth.pipedrive.com: the install page at /oauth/authorize (no scope parameter: the app's scopes are fixed in its
// settings), the form-encoded token endpoint with HTTP Basic client authentication only, 5-minute single-use codes,
// token answers naming the company's `api_domain`, and revoke (a revoked refresh token uninstalls the app).
import { Router, type Request } from 'express';
import { PendingAuthorizations, redirectWith, type AuthorizationRequest as CommonAuthorizationRequest } from '../common/authorizations';
import { consentPage, escapeHtml } from '../common/consent-page';
import { isHttpUrl, sameText, text } from '../common/oauth-values';
import { signInCompany, type SandboxContext } from './context';
import { oauthError } from './errors';
import type { AccessToken, Grant } from './sessions';

export const CODE_LIFETIME_MS = 5 * 60 * 1000;

interface AuthorizationRequest extends CommonAuthorizationRequest {
  /** The company the signed-in user installs into, and that user. */
  company: string;
  userId: number;
}

/** Pipedrive shows its own error page for a bad install link; it never redirects to an unverified URI. */
function installError(message: string): Error & { status: number; expose: boolean } {
  return Object.assign(new Error(message), { status: 400, expose: true });
}

/** The token answer: `api_domain` is where every later call for this company goes. */
export function tokenBody(context: SandboxContext, grant: Grant, access: AccessToken) {
  const host = context.companies.get(grant.company);
  return {
    access_token: access.token,
    token_type: 'Bearer',
    expires_in: Math.round((access.expiresAt - access.issuedAt) / 1000),
    refresh_token: grant.refreshToken,
    scope: grant.scopes.join(','),
    api_domain: context.options.reportedApiDomain || (host ? host.url() : ''),
  };
}

export function oauthRoutes(context: SandboxContext): Router {
  const router = Router();
  // On the sandbox clock: advancing it 5 minutes expires codes and consent pages.
  const authorizations = new PendingAuthorizations<AuthorizationRequest>(CODE_LIFETIME_MS, { prefix: '', bytes: 30 }, context.clock);

  /** HTTP Basic is the only client authentication the token endpoint takes; credentials in the body count as none. */
  function authenticateClient(req: Request): string {
    const basic = /^Basic\s+(\S+)$/i.exec(req.get('authorization') ?? '');
    if (!basic) throw oauthError(400, 'invalid_client', 'Invalid client: cannot retrieve client credentials');
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    const clientId = colon < 0 ? decoded : decoded.slice(0, colon);
    const clientSecret = colon < 0 ? '' : decoded.slice(colon + 1);
    if (!clientId || !clientSecret) throw oauthError(400, 'invalid_client', 'Invalid client: cannot retrieve client credentials');
    if (!sameText(clientId, context.options.clientId) || !sameText(clientSecret, context.options.clientSecret)) {
      throw oauthError(400, 'invalid_client', 'Invalid client: client is invalid');
    }
    return clientId;
  }

  router.get('/oauth/authorize', (req, res) => {
    const clientId = text(req.query.client_id);
    const redirectUri = text(req.query.redirect_uri);
    if (!clientId || clientId !== context.options.clientId) throw installError('App cannot be installed: unknown client_id');
    if (!redirectUri || !isHttpUrl(redirectUri)) throw installError('Invalid request: redirect_uri is not a valid URI');
    const host = signInCompany(context);
    const request: AuthorizationRequest = { clientId, redirectUri, state: text(req.query.state), codeChallenge: undefined, company: host.company.domain, userId: host.company.admin.id };
    if (context.options.autoConsent) return res.redirect(302, authorizations.approve(request));
    res.type('html').send(pipedriveConsentPage(authorizations.awaitConsent(request), context.options.appScopes, host.company.name));
  });

  router.post('/oauth/authorize', (req, res) => {
    const request = authorizations.takeConsent(text(req.body?.ticket));
    if (!request) throw installError('This install link expired: start again');
    if (req.body?.decision === 'allow') return res.redirect(302, authorizations.approve(request));
    // Unconfirmed upstream: the error Pipedrive names when the user declines.
    res.redirect(302, redirectWith(request.redirectUri, { error: 'user_denied', state: request.state }));
  });

  router.post('/oauth/token', async (req, res) => {
    if (!req.is('application/x-www-form-urlencoded')) throw oauthError(400, 'invalid_request', 'Invalid request: content must be application/x-www-form-urlencoded');
    const grantType = text(req.body?.grant_type);
    if (!grantType) throw oauthError(400, 'invalid_request', 'Missing parameter: grant_type');
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') throw oauthError(400, 'unsupported_grant_type', 'Unsupported grant type: grant_type is invalid');
    const clientId = authenticateClient(req);

    if (grantType === 'authorization_code') {
      await context.delays.wait(context.options.tokenLatencyMs);
      const issued = authorizations.takeCode(text(req.body.code));
      if (!issued) throw oauthError(400, 'invalid_grant', 'Invalid grant: authorization_code is invalid');
      if (issued.expired) throw oauthError(400, 'invalid_grant', 'Invalid grant: authorization_code has expired');
      const redirectUri = text(req.body.redirect_uri);
      if (!redirectUri || !isHttpUrl(redirectUri)) throw oauthError(400, 'invalid_request', 'Invalid request: redirect_uri is not a valid URI');
      if (redirectUri !== issued.redirectUri) throw oauthError(400, 'invalid_request', 'Invalid request: redirect_uri is invalid');
      const host = context.companies.get(issued.company);
      if (!host) throw oauthError(400, 'invalid_grant', 'Invalid grant: authorization_code is invalid');
      const { grant, access } = context.sessions.createGrant(
        { clientId, company: issued.company, companyId: host.company.id, userId: issued.userId, scopes: [...context.options.appScopes] },
        context.options.accessTokenLifetimeMs,
      );
      res.json(tokenBody(context, grant, access));
      return;
    }

    const refreshToken = text(req.body.refresh_token) ?? '';
    const finished = context.stats.refreshStarted(context.sessions.grantIdOfRefreshToken(refreshToken) ?? 'unknown');
    try {
      // The wait sits before the check so overlapping refreshes really overlap.
      await context.delays.wait(context.options.tokenLatencyMs);
      const outcome = context.sessions.refresh(refreshToken, clientId, {
        rotate: context.options.rotateRefreshTokens,
        idleMs: context.options.refreshTokenIdleMs,
        lifetimeMs: context.options.accessTokenLifetimeMs,
      });
      if (!outcome.ok) throw oauthError(400, 'invalid_grant', 'Invalid grant: refresh_token is invalid');
      finished(true);
      res.json(tokenBody(context, outcome.grant, outcome.access));
    } catch (error) {
      finished(false);
      throw error;
    }
  });

  router.post('/oauth/revoke', (req, res) => {
    authenticateClient(req);
    const token = text(req.body?.token);
    if (!token) throw oauthError(400, 'invalid_request', 'Missing parameter: token');
    if (text(req.body.token_type_hint) === 'access_token') context.sessions.endAccessToken(token);
    else {
      const grant = context.sessions.revoke(token);
      if (grant) context.webhooks.removeForGrant(grant.id);
    }
    res.status(200).json({ success: true });
  });

  return router;
}

function pipedriveConsentPage(ticket: string, scopes: string[], companyName: string): string {
  return consentPage({
    title: 'Install app | Pipedrive Sandbox',
    heading: `Allow the app to access ${escapeHtml(companyName)}?`,
    requestHtml: `It asks for: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}.`,
    action: '/oauth/authorize',
    ticket,
    allowLabel: 'Allow and install',
    denyLabel: 'Cancel',
  });
}
