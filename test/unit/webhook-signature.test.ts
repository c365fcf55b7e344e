import { signWebhook, verifyWebhookSignature } from '../../security/webhook-signature';

describe('webhook signatures', () => {
  const secret = 'whsec-test-0123456789';
  const body = '{"type":"sync","added":1}';
  const now = 1_800_000_000;

  it('accepts a body signed with the secret at a recent timestamp', () => {
    const signature = signWebhook(body, secret, now);
    expect(verifyWebhookSignature(body, { signature, timestamp: String(now) }, secret, { nowSeconds: now + 10 })).toBe(true);
  });

  it('rejects a changed body, a wrong secret, a replay outside the window and a missing header', () => {
    const signature = signWebhook(body, secret, now);
    expect(verifyWebhookSignature(body.replace('1', '2'), { signature, timestamp: String(now) }, secret, { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(body, { signature, timestamp: String(now) }, 'other-secret-000000', { nowSeconds: now })).toBe(false);
    expect(verifyWebhookSignature(body, { signature, timestamp: String(now) }, secret, { nowSeconds: now + 301 })).toBe(false);
    // The timestamp is signed too: moving it forward to dodge the window breaks the signature.
    expect(verifyWebhookSignature(body, { signature, timestamp: String(now + 300) }, secret, { nowSeconds: now + 301 })).toBe(false);
    expect(verifyWebhookSignature(body, { signature: null, timestamp: String(now) }, secret, { nowSeconds: now })).toBe(false);
  });
});
