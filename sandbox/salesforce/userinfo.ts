// GET /services/oauth2/userinfo: who a bearer token belongs to, the org id included (how an app learns the account).
import { Router } from 'express';
import type { SandboxContext } from './context';
import { bearerToken } from './data-routes';
import { invalidSession } from './errors';

export function userInfoRoutes(context: SandboxContext): Router {
  const router = Router();
  router.get('/services/oauth2/userinfo', (req, res) => {
    const token = bearerToken(req);
    if (!token || !context.sessions.authenticate(token)) throw invalidSession();
    res.json({
      sub: context.identityUrl(),
      user_id: context.org.userId,
      organization_id: context.org.orgId,
      preferred_username: context.org.username,
    });
  });
  return router;
}
