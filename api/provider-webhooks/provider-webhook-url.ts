// What an operator registers at the provider for its webhooks: the URL (with the integration's secret where the provider
// signs nothing), or the URL and the credentials each delivery carries (the integration's secret, as HTTP Basic or a token).
import type { ProviderWebhooks } from '../../providers/provider-webhooks';
import type { WebhookSecrets } from '../../store/integrations';

/** What deliveries must carry, as the provider asks for it when the webhook is registered. */
export type WebhookCredentialsView =
  | { kind: 'http-basic'; username: string; password: string; previousValidUntil: Date | null }
  | { kind: 'token'; token: string; previousValidUntil: Date | null };

export interface ProviderWebhookView {
  /** Null: a URL-secret integration registered before secrets existed, until its first rotation. */
  url: string | null;
  /** After a rotation, until when the previous URL is still accepted. */
  previousUrlValidUntil: Date | null;
  /**
   * For providers whose deliveries carry the integration's webhook secret: what to register with the URL. Null for
   * the others, and for such an integration that has no secret yet (until its first rotation).
   */
  credentials: WebhookCredentialsView | null;
}

/**
 * Null when the provider sends no webhooks. The URL or the credentials may hold a secret: only the integration's own
 * view shows them, never the list, a log line or an error.
 */
export function providerWebhookView(
  publicUrl: string,
  integrationKey: string,
  webhooks: ProviderWebhooks | undefined,
  secrets: WebhookSecrets | null,
  now = new Date(),
): ProviderWebhookView | null {
  if (!webhooks) return null;
  const base = `${publicUrl.replace(/\/+$/, '')}/provider-webhooks/${encodeURIComponent(integrationKey)}`;
  const { authentication } = webhooks;
  const previous = secrets?.previous && secrets.previous.validUntil > now ? secrets.previous.validUntil : null;
  if (authentication.by === 'client-secret') return { url: base, previousUrlValidUntil: null, credentials: null };
  if (authentication.by === 'url-secret') {
    return { url: secrets?.current ? `${base}/${secrets.current}` : null, previousUrlValidUntil: previous, credentials: null };
  }
  const secret = secrets?.current;
  if (!secret) return { url: base, previousUrlValidUntil: null, credentials: null };
  const presented = authentication.presentedAs;
  const credentials: WebhookCredentialsView =
    presented.kind === 'http-basic'
      ? { kind: 'http-basic', username: presented.username, password: secret, previousValidUntil: previous }
      : { kind: 'token', token: secret, previousValidUntil: previous };
  return { url: base, previousUrlValidUntil: null, credentials };
}
