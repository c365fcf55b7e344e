// /integrations: register a provider's OAuth app once, then connect many customer accounts through it.
import { Router } from 'express';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import { namesConnectInputs, placeholdersOf } from '../../providers/connect-inputs';
import type { ProviderDefinition } from '../../providers/provider-definition';
import { UrlRefusedError } from '../../security/provider-urls';
import { newWebhookUrlSecret } from '../../security/webhook-url-secret';
import type { Integration } from '../../store/integrations';
import type { Store } from '../../store/store';
import { checkedModelFields } from '../model-fields';
import type { Principal } from '../authentication';
import { implement } from '../openapi-implement';
import { providerWebhookView } from '../provider-webhooks/provider-webhook-url';
import { checkProviderUrl } from '../provider-url-field';
import { conflictAt, notFoundAt } from '../validation';

/** How long a rotated-out webhook URL is still accepted unless told otherwise: time for every org's endpoint to move. */
const DEFAULT_WEBHOOK_URL_GRACE_HOURS = 168;

/**
 * `connectionCounts`: connections per integration key, from the connection directory (a count per request would read
 * every connection on FerretDB).
 */
export function integrationRoutes(store: Store, catalog: ProviderCatalog, publicUrl: string, connectionCounts: () => Promise<Map<string, number>>): Router {
  const router = Router();
  const callbackUrl = `${publicUrl.replace(/\/+$/, '')}/oauth/callback`;
  const row = (integration: Integration, counts: Map<string, number>) => ({ ...integration, connectionCount: counts.get(integration.key) ?? 0, callbackUrl });
  /**
   * The integration as read alone: with its provider-webhook URL, which may hold the URL secret (never in the list),
   * and never for a read key, which sees no secret.
   */
  const detail = async (integration: Integration, principal: Principal | null) => {
    const view = providerWebhookView(publicUrl, integration.key, catalog.get(integration.provider).webhooks, await store.integrations.webhookSecrets(integration.key));
    return {
      ...row(integration, await connectionCounts()),
      // The URL may hold the URL secret, the credentials are the webhook secret: neither for a read key.
      providerWebhook: view && principal?.scope !== 'admin' ? { ...view, url: null, credentials: null } : view,
    };
  };
  implement(router, {
    createIntegration: async ({ body, principal }) => {
      // The schema (the client's too) knows no provider: a well-formed key the catalog lacks is what does not exist here.
      const provider = catalog.find(body.provider);
      if (!provider) throw notFoundAt('body.provider', `provider "${body.provider}" does not exist; this API has ${catalog.keys().join(', ')}`);
      // On another provider's hosts is a 400 here, unlike in a change: the document's variant for this provider says so.
      checkProviderUrls(catalog, provider.key, body);
      if (body.scopes) checkScopePlaceholders(provider, body.scopes);
      const integration = await store.integrations.create({
        key: body.key,
        provider: provider.key,
        clientId: body.clientId,
        clientSecret: body.clientSecret,
        scopes: body.scopes ?? provider.oauth.defaultScopes,
        authorizationUrl: body.authorizationUrl ?? provider.oauth.authorizationUrl,
        tokenUrl: body.tokenUrl ?? provider.oauth.tokenUrl,
        apiBaseUrl: body.apiBaseUrl ?? fixedApiBaseUrl(provider),
        fields: checkedModelFields(provider, body.fields, { changing: false }),
        // Notifications authenticated by the integration's own secret (in their URL, or carried by the delivery): one from the start.
        ...(usesWebhookSecret(provider) ? { webhookSecret: newWebhookUrlSecret() } : {}),
      });
      return { status: 201, body: await detail(integration, principal) };
    },

    listIntegrations: async () => {
      const [integrations, counts] = await Promise.all([store.integrations.list(), connectionCounts()]);
      return { status: 200, body: { integrations: integrations.map((integration) => row(integration, counts)) } };
    },

    getIntegration: async ({ params, principal }) => ({ status: 200, body: await detail(await store.integrations.get(params.key), principal) }),

    updateIntegration: async ({ params, body, principal }) => {
      const current = await store.integrations.get(params.key);
      const provider = catalog.get(current.provider);
      // The same rules as at creation: an update is how a URL would otherwise slip past them. The document cannot know
      // this integration's provider, so another provider's host is a 409 here, not a 400.
      for (const field of ['authorizationUrl', 'tokenUrl', 'apiBaseUrl'] as const) {
        const url = body[field];
        if (url !== undefined && url !== null) checkProviderUrl(catalog, provider.key, `body.${field}`, url);
      }
      // The schema already refused webhookUrlGraceHours without rotateWebhookUrl. Checked before anything is written.
      if (body.scopes) checkScopePlaceholders(provider, body.scopes);
      const { apiBaseUrl, fields, rotateWebhookUrl, webhookUrlGraceHours, ...rest } = body;
      if (rotateWebhookUrl && !usesWebhookSecret(provider)) {
        throw conflictAt('body.rotateWebhookUrl', `${provider.key} webhooks carry no URL secret (they are signed, or not sent): nothing to rotate`);
      }
      const updated = await store.integrations.update(params.key, {
        ...rest,
        ...(apiBaseUrl !== undefined ? { apiBaseUrl: apiBaseUrl ?? fixedApiBaseUrl(provider) } : {}),
        ...(fields !== undefined ? { fields: checkedModelFields(provider, fields, { changing: true }) } : {}),
      });
      if (rotateWebhookUrl) {
        const graceMs = (webhookUrlGraceHours ?? DEFAULT_WEBHOOK_URL_GRACE_HOURS) * 3_600_000;
        await store.integrations.rotateWebhookSecret(params.key, newWebhookUrlSecret(), new Date(Date.now() + graceMs));
      }
      return { status: 200, body: await detail(rotateWebhookUrl ? await store.integrations.get(params.key) : updated, principal) };
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

/** The provider's API base when it is the same for every connection; null when each has its own (from its connect inputs). */
function fixedApiBaseUrl(provider: ProviderDefinition): string | null {
  return provider.api.baseUrl && !namesConnectInputs(provider.api.baseUrl) ? provider.api.baseUrl : null;
}

/** A scope may name the provider's connect inputs (`{environmentUrl}/.default`), and nothing else in braces. */
function checkScopePlaceholders(provider: ProviderDefinition, scopes: string[]): void {
  const declared = (provider.connectInputs ?? []).map((input) => input.name);
  scopes.forEach((scope, index) => {
    if (/[{}]/.test(scope.replace(/\{[A-Za-z][A-Za-z0-9]*\}/g, ''))) throw AppError.invalid(`body.scopes.${index}`, 'braces only name a connect input, as {name}');
    const unknown = placeholdersOf(scope).find((name) => !declared.includes(name));
    if (unknown) {
      throw conflictAt(`body.scopes.${index}`, `{${unknown}} is not a connect input of ${provider.displayName} (${declared.length > 0 ? `it asks for ${declared.join(', ')}` : 'it asks for none'})`);
    }
  });
}

/** Whether the provider's webhooks are authenticated by the integration's own webhook secret (see WebhookAuthentication). */
function usesWebhookSecret(provider: ProviderDefinition): boolean {
  const by = provider.webhooks?.authentication.by;
  return by === 'url-secret' || by === 'webhook-secret';
}

/**
 * The client secret, codes and every token go to these URLs: each one given must be on one of the provider's hosts
 * (a 400 naming the field otherwise, before anything is stored). Literal IPs are refused here without connecting.
 */
function checkProviderUrls(catalog: ProviderCatalog, providerKey: string, body: { authorizationUrl?: string; tokenUrl?: string; apiBaseUrl?: string }): void {
  const rules = catalog.urlRules(providerKey);
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
}
