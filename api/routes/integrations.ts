// /integrations: register a provider's OAuth app once, then connect many customer accounts through it.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import type { Store } from '../../store/store';
import { implement } from '../openapi-implement';

export function integrationRoutes(store: Store, catalog: ProviderCatalog): Router {
  const router = Router();
  implement(router, {
    createIntegration: async ({ body }) => {
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
        apiBaseUrl: body.apiBaseUrl ?? provider.api.baseUrl ?? null,
      });
      return { status: 201, body: integration };
    },

    listIntegrations: async () => ({ status: 200, body: { integrations: await store.integrations.list() } }),

    getIntegration: async ({ params }) => ({ status: 200, body: await store.integrations.get(params.key) }),
  });
  return router;
}
