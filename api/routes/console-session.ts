// /console/session: sign in to the console with a secret key, read the session, sign out.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { ConsoleSessions } from '../console/console-sessions';
import { implement } from '../openapi-implement';

// Nothing about a session may be kept by a cache between the browser and the API.
const NO_STORE = { 'Cache-Control': 'no-store' };

export function consoleSessionRoutes(sessions: ConsoleSessions): Router {
  const router = Router();
  implement(router, {
    createConsoleSession: async ({ body, headers }) => {
      sessions.checkSignInOrigin(headers);
      const { view, setCookie } = await sessions.signIn(body.key);
      return { status: 201, body: view, headers: { ...NO_STORE, 'Set-Cookie': setCookie } };
    },

    getConsoleSession: async ({ headers }) => {
      const active = await sessions.fromRequest(headers);
      if (!active) throw new AppError('unauthorized', 'not signed in to the console (no session, or it expired or was signed out)');
      return { status: 200, body: active.view, headers: NO_STORE };
    },

    deleteConsoleSession: async ({ headers }) => {
      const active = await sessions.fromRequest(headers);
      if (!active) throw new AppError('unauthorized', 'not signed in to the console (no session, or it expired or was signed out)');
      sessions.checkStateChange(headers, active.cookieValue);
      return { status: 204, body: '', headers: { ...NO_STORE, 'Set-Cookie': await sessions.signOut(active.session) } };
    },
  });
  return router;
}
