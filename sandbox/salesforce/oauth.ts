// The OAuth 2.0 server: authorize (consent page + PKCE codes), token, introspect, revoke, and the identity URL.
import { createHmac } from 'node:crypto';
import { Router, type Request, type Response } from 'express';
import { WALL_CLOCK } from '../common/clock';
import { PendingAuthorizations, redirectWith, type AuthorizationRequest as CommonAuthorizationRequest } from '../common/authorizations';
import { consentPage, escapeHtml } from '../common/consent-page';
import { clientCredentials, isHttpUrl, sameText, text } from '../common/oauth-values';
import { isValidChallenge, verifierMatches } from '../common/pkce';
import type { SandboxContext } from './context';
import { apiError, invalidSession, oauthError } from './errors';
import type { Grant, Session } from './sessions';
import { bearerToken } from './data-routes';

const CODE_LIFETIME_MS = 15 * 60 * 1000;
/** What the connected app grants when the request names no scope. */
const DEFAULT_SCOPE = 'api refresh_token';

interface AuthorizationRequest extends CommonAuthorizationRequest {
  scope: string;
  /** The org the user is signed into while consenting. */
  orgId: string;
}

export function oauthRoutes(context: SandboxContext): Router {
  const router = Router();
  // The org's clock stamps records only; sessions and codes live on wall time.
  const authorizations = new PendingAuthorizations<AuthorizationRequest>(CODE_LIFETIME_MS, { prefix: 'aPrx', bytes: 48 }, WALL_CLOCK);

  function tokenBody(grant: Grant, session: Session, refreshToken: string | null) {
    const id = identityUrlOf(context, grant);
    const issuedAt = String(session.issuedAt);
    return {
      access_token: session.accessToken,
      ...(refreshToken ? { refresh_token: refreshToken } : {}),
      signature: createHmac('sha256', context.options.clientSecret).update(id + issuedAt).digest('base64'),
      scope: grant.scope,
      instance_url: context.options.reportedInstanceUrl || context.url(),
      id,
      token_type: 'Bearer',
      issued_at: issuedAt,
    };
  }

  /** Client credentials from HTTP Basic or the body; a failed Basic attempt is a 401, a failed body one a 400. */
  function authenticateClient(req: Request): string {
    const { clientId, clientSecret, basic } = clientCredentials(req);
    const status = basic ? 401 : 400;
    const challenge = basic ? { 'WWW-Authenticate': 'Basic realm="salesforce"' } : undefined;
    if (!clientId || !sameText(clientId, context.options.clientId)) throw oauthError(status, 'invalid_client_id', 'client identifier invalid', challenge);
    if (!clientSecret || !sameText(clientSecret, context.options.clientSecret)) throw oauthError(status, 'invalid_client', 'invalid client credentials', challenge);
    return clientId;
  }

  router.get('/authorize', (req, res) => {
    const clientId = text(req.query.client_id);
    const redirectUri = text(req.query.redirect_uri);
    if (!clientId || clientId !== context.options.clientId) throw oauthError(400, 'invalid_client_id', 'client identifier invalid');
    if (!redirectUri || !isHttpUrl(redirectUri)) throw oauthError(400, 'redirect_uri_mismatch', 'redirect_uri must match configuration');
    const state = text(req.query.state);
    if (req.query.response_type !== 'code') {
      return res.redirect(302, redirectWith(redirectUri, { error: 'unsupported_response_type', error_description: 'response type not supported', state }));
    }
    const codeChallenge = text(req.query.code_challenge);
    if (codeChallenge && !isValidChallenge(codeChallenge, text(req.query.code_challenge_method))) {
      return res.redirect(302, redirectWith(redirectUri, { error: 'invalid_request', error_description: 'invalid code challenge', state }));
    }
    const request: AuthorizationRequest = { clientId, redirectUri, state, scope: text(req.query.scope) ?? DEFAULT_SCOPE, codeChallenge, orgId: context.options.signInOrgId ?? context.org.orgId };
    if (context.options.autoConsent) return res.redirect(302, authorizations.approve(request));
    res.type('html').send(salesforceConsentPage(authorizations.awaitConsent(request), request.scope));
  });

  router.post('/authorize', (req, res) => {
    const request = authorizations.takeConsent(text(req.body?.ticket));
    if (!request) throw oauthError(400, 'invalid_request', 'consent expired or unknown: start the authorization again');
    if (req.body?.decision === 'allow') return res.redirect(302, authorizations.approve(request));
    res.redirect(302, redirectWith(request.redirectUri, { error: 'access_denied', error_description: 'end-user denied authorization', state: request.state }));
  });

  router.post('/token', async (req, res) => {
    const grantType = text(req.body?.grant_type);
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') throw oauthError(400, 'unsupported_grant_type', 'grant type not supported');
    const clientId = authenticateClient(req);
    if (grantType === 'authorization_code') {
      await context.delays.wait(context.options.tokenLatencyMs);
      const issued = authorizations.takeCode(text(req.body.code));
      if (!issued) throw oauthError(400, 'invalid_grant', 'authentication failure');
      if (issued.expired) throw oauthError(400, 'invalid_grant', 'expired authorization code');
      if (issued.clientId !== clientId) throw oauthError(400, 'invalid_grant', 'authentication failure');
      if (text(req.body.redirect_uri) !== issued.redirectUri) throw oauthError(400, 'invalid_grant', 'redirect_uri must match configuration');
      if (issued.codeChallenge && !verifierMatches(text(req.body.code_verifier), issued.codeChallenge)) {
        throw oauthError(400, 'invalid_grant', 'invalid code verifier');
      }
      const { grant, session } = context.sessions.createGrant(clientId, issued.scope, context.options.sessionLifetimeMs, issued.orgId);
      res.json(tokenBody(grant, session, grant.refreshToken));
      return;
    }

    const refreshToken = text(req.body.refresh_token) ?? '';
    const finished = context.stats.refreshStarted(context.sessions.grantIdOfRefreshToken(refreshToken) ?? 'unknown');
    try {
      // The wait sits before the check so overlapping refreshes really overlap, as they would against Salesforce.
      await context.delays.wait(context.options.tokenLatencyMs);
      const outcome = context.sessions.refresh(refreshToken, clientId, context.options.rotateRefreshTokens, context.options.sessionLifetimeMs);
      if (!outcome.ok) throw oauthError(400, 'invalid_grant', 'expired access/refresh token');
      finished(true);
      res.json(tokenBody(outcome.grant, outcome.session, outcome.refreshToken));
    } catch (error) {
      finished(false);
      throw error;
    }
  });

  router.post('/introspect', (req, res) => {
    authenticateClient(req);
    const found = context.sessions.lookup(text(req.body?.token) ?? '');
    if (found?.kind === 'access' && context.sessions.isLive(found.session)) {
      const iat = Math.floor(found.session.issuedAt / 1000);
      res.json({
        active: true,
        scope: found.grant.scope,
        client_id: found.grant.clientId,
        username: context.org.username,
        sub: identityUrlOf(context, found.grant),
        token_type: 'access_token',
        exp: Math.floor(found.session.expiresAt / 1000),
        iat,
        nbf: iat,
      });
      return;
    }
    if (found?.kind === 'refresh' && found.usable) {
      res.json({ active: true, scope: found.grant.scope, client_id: found.grant.clientId, username: context.org.username, sub: identityUrlOf(context, found.grant), token_type: 'refresh_token' });
      return;
    }
    res.json({ active: false });
  });

  router.post('/revoke', (req, res) => {
    const tokenText = text(req.body?.token) ?? text(req.query.token);
    if (!tokenText || !context.sessions.revoke(tokenText)) throw oauthError(400, 'invalid_token', 'invalid token');
    res.status(200).end();
  });

  return router;
}

/** GET {url}/id/{orgId}/{userId}: who the token belongs to. */
export function identityRoutes(context: SandboxContext): Router {
  const router = Router();
  router.get('/:orgId/:userId', (req: Request, res: Response) => {
    const accessToken = bearerToken(req);
    const session = accessToken ? context.sessions.authenticate(accessToken) : null;
    const grant = session ? context.sessions.grant(session.grantId) : undefined;
    if (!session || !grant) throw invalidSession();
    if (req.params.orgId !== grant.orgId || req.params.userId !== context.org.userId) throw apiError(404, 'NOT_FOUND', 'Bad_Id');
    res.json({
      id: identityUrlOf(context, grant),
      user_id: context.org.userId,
      organization_id: grant.orgId,
      username: context.org.username,
      display_name: 'Integration User',
      email: 'integration.user@sandbox.example.com',
      active: true,
      user_type: 'STANDARD',
    });
  });
  return router;
}

/** `{url}/id/{orgId}/{userId}` of the org the grant's user signed into. */
function identityUrlOf(context: SandboxContext, grant: Grant): string {
  return `${context.url()}/id/${grant.orgId}/${context.org.userId}`;
}

function salesforceConsentPage(ticket: string, scope: string): string {
  return consentPage({
    title: 'Allow Access? | Salesforce Sandbox',
    heading: 'Allow Access?',
    requestHtml: `The app is asking to access your Salesforce data with the scope <code>${escapeHtml(scope)}</code>.`,
    action: '/services/oauth2/authorize',
    ticket,
    allowLabel: 'Allow',
    denyLabel: 'Deny',
  });
}
