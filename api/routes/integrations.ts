// /integrations: register a provider's OAuth app once, then connect many customer accounts through it.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import type { Store } from '../../store/store';
import { createIntegrationBody, identifier } from '../schemas';
import { parseInput } from '../validation';

export function integrationRoutes(store: Store, catalog: ProviderCatalog): Router {
  const router = Router();

  router.post('/integrations', async (req, res) => {
    const body = parseInput(createIntegrationBody, req.body, 'body');
    const provider = catalog.find(body.provider);
    if (!provider) throw AppError.invalid('body.provider', `must be one of: ${catalog.keys().join(', ')}`);
    const integration = await store.integrations.create({
      key: body.key,
      provider: provider.key,
      clientId: body.clientId,
      clientSecret: body.clientSecret,
      scopes: body.scopes ?? provider.oauth.defaultScopes,
      authorizationUrl: body.authorizationUrl ?? provider.oauth.authorizationUrl,
      tokenUrl: body.tokenUrl ?? provider.oauth.tokenUrl,
    });
    res.status(201).json(integration);
  });

  router.get('/integrations', async (_req, res) => {
    res.json({ integrations: await store.integrations.list() });
  });

  router.get('/integrations/:key', async (req, res) => {
    const key = parseInput(identifier, req.params.key, 'params');
    res.json(await store.integrations.get(key));
  });

  return router;
}
