// Zoho Accounts' OAuth endpoints on one data centre's accounts server: authorize (comma-separated scopes,
// access_type, prompt=consent, a consent page) redirecting back with `code`, `location` and `accounts-server` naming
// the user's data centre; token (codes only at that data centre, `api_domain` in the answer, errors as HTTP 200);
// and revoke.
import { Router, type Request } from 'express';
import { WALL_CLOCK } from '../common/clock';
import { PendingAuthorizations, redirectWith, type AuthorizationRequest as CommonAuthorizationRequest } from '../common/authorizations';
import { consentPage, escapeHtml } from '../common/consent-page';
import { isHttpUrl, sameText, text } from '../common/oauth-values';
import type { SandboxContext } from './context';
import type { DataCentre } from './data-centre';
import { accountsError, type SandboxHttpError } from './errors';
import type { Org } from './org';
import { parseScopeList } from './scopes';

export interface AuthorizationRequest extends CommonAuthorizationRequest {
  org: Org;
  scopes: string[];
  offline: boolean;
  forceConsent: boolean;
}

/** Codes and consent tickets, one store per data centre: a code lives only where its user's data lives. */
export type AuthorizationStores = Map<string, PendingAuthorizations<AuthorizationRequest>>;

export function authorizationStore(codeLifetimeMs: number): PendingAuthorizations<AuthorizationRequest> {
  // Each org's clock stamps its records and page tokens only; the accounts servers live on wall time.
  return new PendingAuthorizations<AuthorizationRequest>(codeLifetimeMs, { prefix: '1000.', bytes: 32 }, WALL_CLOCK);
}

/** The authorize page's own errors: no redirect, the request cannot be trusted to name where to go. */
const pageError = (message: string) => Object.assign(new Error(message), { status: 400, expose: true });

export function oauthRoutes(context: SandboxContext, dataCentre: DataCentre, stores: AuthorizationStores): Router {
  const router = Router();
  const here = stores.get(dataCentre.location)!;
  const dataCentreOf = (org: Org) => context.dataCentres.find((dc) => dc.location === org.location)!;

  /** Back to the app with a code from the user's own data centre, and where that is. */
  const approve = (request: AuthorizationRequest): string => {
    const home = dataCentreOf(request.org);
    const url = new URL(stores.get(home.location)!.approve(request));
    url.searchParams.set('location', home.location);
    url.searchParams.set('accounts-server', home.accountsUrl);
    return url.toString();
  };

  const signedIn = (req: Request): Org => {
    const chosen = text(req.query.sandbox_account) ?? (context.options.signInAs || context.orgs[0].name);
    const org = context.orgByName(chosen);
    if (!org) throw pageError(`No account ${chosen} in this sandbox: use one of ${context.orgs.map((o) => o.name).join(', ')}.`);
    return org;
  };

  router.get('/oauth/v2/auth', (req, res) => {
    const clientId = text(req.query.client_id);
    const redirectUri = text(req.query.redirect_uri);
    if (!clientId || !sameText(clientId, context.options.clientId)) throw pageError('Invalid Client: the client_id is not registered.');
    if (!redirectUri || !isHttpUrl(redirectUri)) throw pageError('Invalid Redirect Uri: the redirect_uri is not registered for this client.');
    const state = text(req.query.state);
    const fail = (error: string) => res.redirect(302, redirectWith(redirectUri, { error, state }));
    if (req.query.response_type !== 'code') return fail('unsupported_response_type');
    const scopes = parseScopeList(text(req.query.scope));
    if (!scopes) return fail('invalid_scope');
    const org = signedIn(req);
    const request: AuthorizationRequest = {
      clientId,
      redirectUri,
      state,
      codeChallenge: undefined,
      org,
      scopes,
      offline: req.query.access_type === 'offline',
      forceConsent: req.query.prompt === 'consent',
    };
    if (context.options.autoConsent) return res.redirect(302, approve(request));
    res.type('html').send(zohoConsentPage(here.awaitConsent(request), request, req, context));
  });

  router.post('/oauth/v2/auth', (req, res) => {
    const request = here.takeConsent(text(req.body?.ticket));
    if (!request) throw pageError('This consent page has expired: start again from the app.');
    if (req.body?.decision === 'allow') return res.redirect(302, approve(request));
    res.redirect(302, redirectWith(request.redirectUri, { error: 'access_denied', state: request.state }));
  });

  router.post('/oauth/v2/token', async (req, res) => {
    // Zoho's own examples put every parameter in the query string of the POST; forms work as well.
    const params = { ...req.query, ...(req.body as Record<string, unknown>) };
    const grantType = text(params.grant_type);
    if (grantType !== 'authorization_code' && grantType !== 'refresh_token') throw accountsError('unsupported_grant_type');
    const clientId = text(params.client_id);
    const clientSecret = text(params.client_secret);
    if (!clientId || !sameText(clientId, context.options.clientId) || !clientSecret || !sameText(clientSecret, context.options.clientSecret)) throw accountsError('invalid_client');
    await context.delays.wait(context.options.tokenLatencyMs);
    const accessMs = context.options.accessTokenLifetimeMs;

    if (grantType === 'authorization_code') {
      // A code another data centre issued is unknown here (and stays good where it lives).
      const issued = here.takeCode(text(params.code));
      if (!issued || issued.expired) throw accountsError('invalid_code');
      if (text(params.redirect_uri) !== issued.redirectUri) throw accountsError('invalid_redirect_uri');
      const { access, refreshToken, newRefreshToken } = context.sessions.grant({ org: issued.org.name, clientId, scopes: issued.scopes, location: dataCentre.location, offline: issued.offline, forceConsent: issued.forceConsent, accessMs });
      res.json(tokenBody(dataCentre, access.token, access.scopes, accessMs, newRefreshToken ? refreshToken!.token : null));
      return;
    }

    const token = text(params.refresh_token) ?? '';
    const outcome = context.sessions.refresh(token, clientId, dataCentre.location, accessMs);
    if (!outcome.ok) {
      const error = outcome.reason === 'mint_limit' ? accessDenied(context.options.accessDeniedStatus) : accountsError('invalid_code');
      context.stats.refreshed(outcome.refreshToken?.id ?? 'unknown', false, (error.body as { error: string }).error);
      throw error;
    }
    context.stats.refreshed(outcome.refreshToken.id, true);
    // A refresh answer never carries a refresh token: the one sent stays the one to keep.
    res.json(tokenBody(dataCentre, outcome.access.token, outcome.access.scopes, accessMs, null));
  });

  router.post('/oauth/v2/token/revoke', (req, res) => {
    const token = text(req.query.token) ?? text((req.body as Record<string, unknown>)?.token);
    if (token && context.sessions.refreshTokenIdOf(token)) context.sessions.revoke(token);
    res.json({ status: 'success' });
  });

  return router;
}

/** Past the per-window mint cap, and the `accessDenied` knob. */
export function accessDenied(status: number): SandboxHttpError {
  return accountsError('Access Denied', status);
}

function tokenBody(dataCentre: DataCentre, accessToken: string, scopes: string[], accessMs: number, refreshToken: string | null) {
  return {
    access_token: accessToken,
    ...(refreshToken ? { refresh_token: refreshToken } : {}),
    scope: scopes.join(' '),
    api_domain: dataCentre.apiUrl,
    token_type: 'Bearer',
    expires_in: Math.round(accessMs / 1000),
  };
}

function zohoConsentPage(ticket: string, request: AuthorizationRequest, req: Request, context: SandboxContext): string {
  const others = context.orgs.filter((org) => org !== request.org);
  const switchLinks = others.map((org) => {
    const url = new URL(`http://sandbox${req.originalUrl}`);
    url.searchParams.set('sandbox_account', org.name);
    return `<a href="${escapeHtml(url.pathname + url.search)}">${escapeHtml(org.user.email)} (${escapeHtml(org.location.toUpperCase())})</a>`;
  });
  return consentPage({
    title: 'Zoho Accounts Sandbox',
    heading: 'The app would like to access your Zoho account',
    requestHtml:
      `Signed in as <strong>${escapeHtml(request.org.user.email)}</strong> (data centre ${escapeHtml(request.org.location.toUpperCase())}). ` +
      `Scopes: ${request.scopes.map((scope) => `<code>${escapeHtml(scope)}</code>`).join(', ')}.` +
      (switchLinks.length > 0 ? ` Not you? Sign in as ${switchLinks.join(', ')}.` : ''),
    action: '/oauth/v2/auth',
    ticket,
    allowLabel: 'Accept',
    denyLabel: 'Reject',
  });
}
