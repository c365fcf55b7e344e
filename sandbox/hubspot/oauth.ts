// HubSpot's OAuth 2.0: the install page at /oauth/authorize (consent, redirect with a code, PKCE optional) and the
// v1 token endpoint, form-encoded, answering `expires_in: 1800` and errors as `{status: 'BAD_…', message}`.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { Router } from 'express';
import type { SandboxContext } from './context';
import { tokenError } from './errors';
import type { AccessToken, Grant } from './sessions';

const CODE_LIFETIME_MS = 10 * 60 * 1000;

interface AuthorizationRequest {
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
  codeChallenge: string | undefined;
}

const randomText = (bytes: number) => randomBytes(bytes).toString('base64url');

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function sameText(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

function redirectWith(redirectUri: string, params: Record<string, string | undefined>): string {
  const url = new URL(redirectUri);
  for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
  return url.toString();
}

/** HubSpot shows its own error page for a bad install link; it never redirects to an unverified URI. */
function installError(message: string): Error & { status: number; expose: boolean } {
  return Object.assign(new Error(message), { status: 400, expose: true });
}

export function oauthRoutes(context: SandboxContext): Router {
  const router = Router();
  const codes = new Map<string, AuthorizationRequest & { expiresAt: number }>();
  const pendingConsents = new Map<string, AuthorizationRequest & { expiresAt: number }>();

  const issueCode = (request: AuthorizationRequest) => {
    // HubSpot codes are UUID-like; single use, valid for minutes.
    const code = `na1-${randomText(24)}`;
    codes.set(code, { ...request, expiresAt: Date.now() + CODE_LIFETIME_MS });
    return code;
  };

  const tokenBody = (grant: Grant, access: AccessToken) => ({
    token_type: 'bearer',
    refresh_token: grant.refreshToken,
    access_token: access.token,
    expires_in: Math.round((access.expiresAt - access.issuedAt) / 1000),
  });

  router.get('/oauth/authorize', (req, res) => {
    const clientId = text(req.query.client_id);
    const redirectUri = text(req.query.redirect_uri);
    if (!clientId || clientId !== context.options.clientId) throw installError('Authorization failed: unknown client_id');
    if (!redirectUri || !/^https?:\/\//i.test(redirectUri) || !URL.canParse(redirectUri)) throw installError('Authorization failed: redirect_uri is not a valid URL');
    const scope = text(req.query.scope);
    if (!scope) throw installError('Authorization failed: scope is required');
    const state = text(req.query.state);
    const codeChallenge = text(req.query.code_challenge);
    const method = text(req.query.code_challenge_method) ?? 'S256';
    if (codeChallenge && (method !== 'S256' || !/^[A-Za-z0-9_-]{43,128}$/.test(codeChallenge))) throw installError('Authorization failed: invalid code_challenge');
    const request: AuthorizationRequest = { clientId, redirectUri, state, scopes: scope.split(/[\s+]+/).filter(Boolean), codeChallenge };
    if (context.options.autoConsent) return res.redirect(302, redirectWith(redirectUri, { code: issueCode(request), state }));
    const ticket = randomText(24);
    pendingConsents.set(ticket, { ...request, expiresAt: Date.now() + CODE_LIFETIME_MS });
    res.type('html').send(consentPage(ticket, request.scopes));
  });

  router.post('/oauth/authorize', (req, res) => {
    const ticket = text(req.body?.ticket);
    const pending = ticket ? pendingConsents.get(ticket) : undefined;
    if (!ticket || !pending || Date.now() >= pending.expiresAt) throw installError('This install link expired: start again');
    pendingConsents.delete(ticket);
    const { expiresAt: _expiresAt, ...request } = pending;
    if (req.body?.decision === 'allow') return res.redirect(302, redirectWith(request.redirectUri, { code: issueCode(request), state: request.state }));
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
      const code = text(req.body.code);
      const issued = code ? codes.get(code) : undefined;
      if (!code || !issued || Date.now() >= issued.expiresAt) throw tokenError(400, 'BAD_AUTH_CODE', 'missing or unknown auth code');
      codes.delete(code);
      if (text(req.body.redirect_uri) !== issued.redirectUri) throw tokenError(400, 'BAD_REDIRECT_URI', 'redirect_uri does not match initial auth code URI');
      if (issued.codeChallenge) {
        const verifier = text(req.body.code_verifier);
        const expected = verifier ? createHash('sha256').update(verifier).digest('base64url') : '';
        if (!sameText(expected, issued.codeChallenge)) throw tokenError(400, 'BAD_AUTH_CODE', 'code_verifier does not match the code_challenge');
      }
      const { grant, access } = context.sessions.createGrant(clientId, issued.scopes, context.options.accessTokenLifetimeMs);
      res.json(tokenBody(grant, access));
      return;
    }

    const refreshToken = text(req.body.refresh_token) ?? '';
    const refreshed = context.sessions.refresh(refreshToken, clientId, context.options.accessTokenLifetimeMs);
    context.stats.refreshed(context.sessions.grantIdOfRefreshToken(refreshToken) ?? 'unknown', refreshed !== null);
    if (!refreshed) throw tokenError(400, 'BAD_REFRESH_TOKEN', 'missing or invalid refresh token');
    res.json(tokenBody(refreshed.grant, refreshed.access));
  });

  return router;
}

function consentPage(ticket: string, scopes: string[]): string {
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Connect app | HubSpot Sandbox</title></head>
<body style="font-family: sans-serif; max-width: 32rem; margin: 4rem auto">
<h1>Connect the app to your HubSpot account?</h1>
<p>It asks for: ${scopes.map((s) => `<code>${escapeHtml(s)}</code>`).join(', ')}.</p>
<form method="post" action="/oauth/authorize">
<input type="hidden" name="ticket" value="${escapeHtml(ticket)}">
<button type="submit" name="decision" value="allow">Connect app</button>
<button type="submit" name="decision" value="deny">Cancel</button>
</form>
</body>
</html>`;
}
