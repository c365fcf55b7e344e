// GET /oauth/v1/access-tokens/{token}: the token's portal (hub_id), scopes and lifetime, as HubSpot answers it.
import { Router } from 'express';
import type { SandboxContext } from './context';
import { tokenError } from './errors';

export function accessTokenInfoRoutes(context: SandboxContext): Router {
  const router = Router();
  router.get('/oauth/v1/access-tokens/:token', (req, res) => {
    const outcome = context.sessions.authenticate(String(req.params.token));
    if (!outcome.ok) throw tokenError(404, 'NOT_FOUND', 'The access token is expired or invalid');
    res.json({
      token: String(req.params.token),
      hub_id: context.portal.portalId,
      app_id: 1,
      token_type: 'access',
      expires_in: Math.max(0, Math.round((outcome.access.expiresAt - Date.now()) / 1000)),
    });
  });
  return router;
}
