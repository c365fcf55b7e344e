// What the integration's own view tells an operator to register for each kind of provider webhook: the URL alone, the
// URL with its secret, or the URL and the credentials deliveries carry (the integration's secret as Basic or a token).
import { providerWebhookView } from '../../../api/provider-webhooks/provider-webhook-url';
import type { ProviderWebhooks } from '../../../providers/provider-webhooks';

const PUBLIC = 'https://tributary.example.com/';
const now = new Date('2026-03-01T00:00:00Z');
const later = new Date('2026-03-08T00:00:00Z');
const earlier = new Date('2026-02-28T00:00:00Z');

const kind = (authentication: ProviderWebhooks['authentication']): ProviderWebhooks => ({
  authentication,
  maxBodyBytes: 1024,
  parse: () => [],
  accepted: { status: 200 },
  modelsByObjectType: {},
});
const basic = kind({ by: 'webhook-secret', presentedAs: { kind: 'http-basic', username: 'tributary' }, authenticate: () => null });
const token = kind({ by: 'webhook-secret', presentedAs: { kind: 'token' }, authenticate: () => null });

describe('the provider-webhook view', () => {
  it('shows HTTP Basic credentials with the integration\'s secret as password beside the plain URL, and the old one\'s grace', () => {
    const view = providerWebhookView(PUBLIC, 'pd app', basic, { current: 'new-secret', previous: { secret: 'old-secret', validUntil: later } }, now);
    expect(view).toEqual({
      url: 'https://tributary.example.com/provider-webhooks/pd%20app',
      previousUrlValidUntil: null,
      credentials: { kind: 'http-basic', username: 'tributary', password: 'new-secret', previousValidUntil: later },
    });
    // The previous secret itself is never shown, only until when it still works.
    expect(JSON.stringify(view)).not.toContain('old-secret');
  });

  it('shows a token the same way, and no grace once it has passed', () => {
    const view = providerWebhookView(PUBLIC, 'zc', token, { current: 's3', previous: { secret: 's2', validUntil: earlier } }, now);
    expect(view?.credentials).toEqual({ kind: 'token', token: 's3', previousValidUntil: null });
  });

  it('shows no credentials for an integration without a secret yet, nor for URL-secret or signing providers', () => {
    expect(providerWebhookView(PUBLIC, 'pd', basic, { current: null, previous: null }, now)?.credentials).toBeNull();
    const urlSecret = providerWebhookView(PUBLIC, 'sf', kind({ by: 'url-secret' }), { current: 'abc', previous: null }, now);
    expect(urlSecret).toEqual({ url: 'https://tributary.example.com/provider-webhooks/sf/abc', previousUrlValidUntil: null, credentials: null });
    const signed = providerWebhookView(PUBLIC, 'hs', kind({ by: 'client-secret', authenticate: () => null }), null, now);
    expect(signed).toEqual({ url: 'https://tributary.example.com/provider-webhooks/hs', previousUrlValidUntil: null, credentials: null });
    expect(providerWebhookView(PUBLIC, 'none', undefined, null, now)).toBeNull();
  });
});
