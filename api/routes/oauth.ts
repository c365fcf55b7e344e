// /oauth: the customer's browser side of connecting. No secret key: the connect token, then the state (bound to
// this browser by a cookie), authorise each step. Answers are redirects and HTML pages, errors included.
import { Router } from 'express';
import type { Logger } from 'pino';
import { hashOneTimeToken } from '../../oauth/one-time-token';
import { bindingCookie, bindingNonce, clearedBindingCookie, newBrowserBinding } from '../browser-binding';
import { htmlErrorHandler } from '../html-error-handler';
import { connectedPage } from '../html-pages';
import { implement } from '../openapi';
import type { ConnectUseCases } from '../use-cases/connect';

export function oauthRoutes(connect: ConnectUseCases, publicUrl: string, logger: Logger): Router {
  const router = Router();
  // These URLs and answers carry one-time tokens and codes: no cache keeps them, no Referer passes them on.
  router.use('/oauth', (_req, res, next) => {
    res.set({ 'Cache-Control': 'no-store', 'Referrer-Policy': 'no-referrer' });
    next();
  });

  implement(router, {
    oauthConnect: async ({ params, query }) => {
      const binding = newBrowserBinding();
      const started = await connect.startAuthorization(
        { integration: params.integration, connectionId: query.connectionId, connectToken: query.connectToken },
        binding.nonceHash,
      );
      return {
        status: 302,
        location: started.authorizeUrl,
        headers: { 'Set-Cookie': bindingCookie(started.state, binding.nonce, publicUrl, started.stateTtlMs) },
      };
    },

    oauthCallback: async ({ query, headers }) => {
      const nonce = query.state ? bindingNonce(headers.cookie, query.state) : undefined;
      const outcome = await connect.finishAuthorization(query, nonce ? hashOneTimeToken(nonce) : null);
      const cleared = query.state ? { 'Set-Cookie': clearedBindingCookie(query.state, publicUrl) } : undefined;
      if (outcome.kind === 'redirect') return { status: 302, location: outcome.location, headers: cleared };
      return { status: 200, body: connectedPage(outcome.providerName, outcome.connectionId), headers: cleared };
    },
  });

  // Only errors of the routes above reach this handler; the JSON API keeps its own.
  router.use(htmlErrorHandler(logger));
  return router;
}
