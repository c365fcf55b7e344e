// /integrations: register a provider's OAuth app once, then connect many customer accounts through it.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import { UrlRefusedError } from '../../security/provider-urls';
import type { Store } from '../../store/store';
import { checkedModelFields } from '../model-fields';
import { implement } from '../openapi-implement';

export function integrationRoutes(store: Store, catalog: ProviderCatalog): Router {
  const router = Router();
  implement(router, {
    createIntegration: async ({ body }) => {
      const provider = catalog.find(body.provider);
      if (!provider) throw AppError.invalid('body.provider', `must be one of: ${catalog.keys().join(', ')}`);
      // The client secret, codes and every token go to these URLs: each must be one of the provider's hosts.
      const rules = catalog.urlRules(provider.key);
      for (const field of ['authorizationUrl', 'tokenUrl', 'apiBaseUrl'] as const) {
        const url = body[field];
        if (url === undefined) continue;
        try {
          rules.check(url);
        } catch (error) {
          if (!(error instanceof UrlRefusedError)) throw error;
          throw AppError.invalid(`body.${field}`, error.message);
        }
      }
      const integration = await store.integrations.create({
        key: body.key,
        provider: provider.key,
        clientId: body.clientId,
        clientSecret: body.clientSecret,
        scopes: body.scopes ?? provider.oauth.defaultScopes,
        authorizationUrl: body.authorizationUrl ?? provider.oauth.authorizationUrl,
        tokenUrl: body.tokenUrl ?? provider.oauth.tokenUrl,
        apiBaseUrl: body.apiBaseUrl ?? provider.api.baseUrl ?? null,
        fields: checkedModelFields(provider, body.fields),
      });
      return { status: 201, body: integration };
    },

    listIntegrations: async () => ({ status: 200, body: { integrations: await store.integrations.list() } }),

    getIntegration: async ({ params }) => ({ status: 200, body: await store.integrations.get(params.key) }),

    updateIntegration: async ({ params, body }) => {
      const current = await store.integrations.get(params.key);
      const provider = catalog.get(current.provider);
      const { apiBaseUrl, fields, ...rest } = body;
      const updated = await store.integrations.update(params.key, {
        ...rest,
        ...(apiBaseUrl !== undefined ? { apiBaseUrl: apiBaseUrl ?? provider.api.baseUrl ?? null } : {}),
        ...(fields !== undefined ? { fields: checkedModelFields(provider, fields) } : {}),
      });
      return { status: 200, body: updated };
    },

    deleteIntegration: async ({ params }) => {
      await store.integrations.get(params.key);
      const using = await store.connections.list({ integration: params.key }, 1);
      if (using.length > 0) throw new AppError('conflict', `integration "${params.key}" is used by connections (e.g. "${using[0].connectionId}"); delete them first`);
      await store.integrations.delete(params.key);
      return { status: 200, body: { key: params.key, deleted: true as const } };
    },
  });
  return router;
}
