// The provider-webhook URL an operator configures at the provider: with the integration's secret where the provider signs nothing.
import type { ProviderWebhooks } from '../../providers/provider-webhooks';
import type { WebhookSecrets } from '../../store/integrations';

export interface ProviderWebhookView {
  /** Null: a URL-secret integration registered before secrets existed, until its first rotation. */
  url: string | null;
  /** After a rotation, until when the previous URL is still accepted. */
  previousUrlValidUntil: Date | null;
}

/** Null when the provider sends no webhooks. The URL may hold a secret: only the integration's own view shows it. */
export function providerWebhookView(
  publicUrl: string,
  integrationKey: string,
  webhooks: ProviderWebhooks | undefined,
  secrets: WebhookSecrets | null,
  now = new Date(),
): ProviderWebhookView | null {
  if (!webhooks) return null;
  const base = `${publicUrl.replace(/\/+$/, '')}/provider-webhooks/${encodeURIComponent(integrationKey)}`;
  if (webhooks.authentication.by !== 'url-secret') return { url: base, previousUrlValidUntil: null };
  const previous = secrets?.previous && secrets.previous.validUntil > now ? secrets.previous.validUntil : null;
  return { url: secrets?.current ? `${base}/${secrets.current}` : null, previousUrlValidUntil: previous };
}
