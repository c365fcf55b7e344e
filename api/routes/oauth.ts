// /oauth: the customer's browser side of connecting. No secret key: the connect token, then the state (bound to
// this browser by a cookie), authorise each step. Answers are HTML pages and redirects, errors included.
import express, { Router } from 'express';
import type { Logger } from 'pino';
import { hashOneTimeToken } from '../../oauth/one-time-token';
import { bindingCookie, bindingNonce, clearedBindingCookie, newBrowserBinding, screenCookie, screenNonceMatches } from '../browser-binding';
import { judgeConnectFormOrigin } from '../connect-form-origin';
import { htmlErrorHandler } from '../html-error-handler';
import { connectedPage, connectScreenPage, errorPage } from '../html-pages';
import { implement } from '../openapi-implement';
import type { ConnectUseCases } from '../use-cases/connect';
import { AppError } from '../../errors/app-error';
import { CONNECT_INPUT_FIELD_PREFIX } from '../schemas';

export function oauthRoutes(connect: ConnectUseCases, publicUrl: string, appName: string, logger: Logger): Router {
  const router = Router();
  // These URLs and answers carry one-time tokens and codes: no cache keeps them, no Referer passes them on. The
  // pages run no script and load nothing, and no other site may frame them (a framed Connect button invites clickjacking).
  router.use('/oauth', (_req, res, next) => {
    res.set({
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'no-referrer',
      'Content-Security-Policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; frame-ancestors 'none'",
      'X-Frame-Options': 'DENY',
      'X-Content-Type-Options': 'nosniff',
    });
    next();
  });
  // The connect screen's form: a few short fields, nothing nested.
  router.use('/oauth/connect', express.urlencoded({ extended: false, limit: '8kb', parameterLimit: 10 }));

  const publicOrigin = new URL(publicUrl).origin;
  const connectAction = (integration: string) => `${new URL(publicUrl).pathname.replace(/\/+$/, '')}/oauth/connect/${encodeURIComponent(integration)}`;

  implement(router, {
    // A GET spends nothing: link scanners open every link in a mail, and the customer's click must still work after.
    // Its only cookie is the screen's nonce, which the form echoes (see judgeConnectFormOrigin).
    oauthConnect: async ({ params, query }) => {
      const screen = await connect.describeConnect({ integration: params.integration, ...query });
      const screenNonce = newBrowserBinding().nonce;
      return {
        status: 200,
        body: connectScreenPage({ ...screen, action: connectAction(params.integration), fields: { connectionId: query.connectionId, connectToken: query.connectToken, screenNonce } }),
        headers: { 'Set-Cookie': screenCookie(query.connectToken, screenNonce, publicUrl, screen.validForMs) },
      };
    },

    // The connect token is a capability anyone holding the link has, so by itself it does not say whose browser posts
    // it: another site could make a victim's browser post the attacker's own link (and a provider that approves an
    // already-approved app silently would bind the victim's account to the attacker's connection). Only a POST from
    // the connect screen itself goes on; a refused one spends nothing and sets no cookie. The state that follows is
    // bound to this browser by the cookie set here, so only this browser can finish what this POST starts.
    oauthConnectSubmit: async ({ params, body, headers }) => {
      const verdict = judgeConnectFormOrigin(headers, publicOrigin, () => screenNonceMatches(headers.cookie, body.connectToken, body.screenNonce));
      if (!verdict.accepted) {
        logger.warn({ integration: params.integration, connectionId: body.connectionId, reason: verdict.reason }, 'connect form refused: not posted by the connect screen');
        return {
          status: 403,
          body: errorPage(
            appName,
            403,
            `This request to connect your account did not come from ${appName}'s connect screen, so nothing was done. If you meant to connect, open the link you were given again and press Connect there.`,
          ),
        };
      }
      const { connectionId, connectToken } = body;
      const connectInputs = Object.fromEntries(
        Object.entries(body)
          .filter(([field]) => field.startsWith(CONNECT_INPUT_FIELD_PREFIX))
          .map(([field, value]) => [field.slice(CONNECT_INPUT_FIELD_PREFIX.length), value as string]),
      );
      const binding = newBrowserBinding();
      let started: Awaited<ReturnType<ConnectUseCases['startAuthorization']>>;
      try {
        started = await connect.startAuthorization({ integration: params.integration, connectionId, connectToken, connectInputs }, binding.nonceHash);
      } catch (error) {
        // A connect input the rules refuse was refused before anything was spent: the same screen again, saying why,
        // with what was typed, so the customer can correct it.
        const field = error instanceof AppError && error.code === 'validation_failed' ? error.details.fields?.[0]?.field : undefined;
        if (!field?.startsWith(CONNECT_INPUT_FIELD_PREFIX)) throw error;
        const input = field.slice(CONNECT_INPUT_FIELD_PREFIX.length);
        const screen = await connect.describeConnect({ integration: params.integration, connectionId, connectToken });
        const screenNonce = newBrowserBinding().nonce;
        return {
          status: 400,
          body: connectScreenPage({
            ...screen,
            inputs: screen.inputs.map((shown) => ({ ...shown, value: connectInputs[shown.name] ?? shown.value })),
            error: { message: (error as AppError).details.fields?.[0]?.message ?? (error as Error).message, input },
            action: connectAction(params.integration),
            fields: { connectionId, connectToken, screenNonce },
          }),
          headers: { 'Set-Cookie': screenCookie(connectToken, screenNonce, publicUrl, screen.validForMs) },
        };
      }
      return {
        status: 303,
        location: started.authorizeUrl,
        headers: { 'Set-Cookie': bindingCookie(started.state, binding.nonce, publicUrl, started.stateTtlMs) },
      };
    },

    oauthCallback: async ({ query, headers }) => {
      const nonce = query.state ? bindingNonce(headers.cookie, query.state) : undefined;
      const outcome = await connect.finishAuthorization(query, nonce ? hashOneTimeToken(nonce) : null);
      const cleared = query.state ? { 'Set-Cookie': clearedBindingCookie(query.state, publicUrl) } : undefined;
      if (outcome.kind === 'redirect') return { status: 302, location: outcome.location, headers: cleared };
      return { status: 200, body: connectedPage(appName, outcome.providerName, outcome.connectionId), headers: cleared };
    },
  });

  // Only errors of the routes above reach this handler; the JSON API keeps its own.
  router.use(htmlErrorHandler(logger, appName));
  return router;
}
