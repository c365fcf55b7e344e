// verifyWebhook hands back the event only for a body signed with the secret within the tolerance window.
import { verifyWebhook, WebhookVerificationError } from '../../../client';
import type { SyncWebhookEvent } from '../../../contracts/webhook-events';
import { signWebhook } from '../../../security/webhook-signature';

const secret = 'whsec-test-only';
const event: SyncWebhookEvent = {
  id: 'evt_1',
  type: 'sync',
  connectionId: 'acme',
  integration: 'sf',
  model: 'contacts',
  status: 'succeeded',
  mode: 'incremental',
  fullReason: null,
  added: 1,
  updated: 0,
  deleted: 0,
  invalidRecords: 0,
  startedAt: '2024-05-01T10:00:00.000Z',
  finishedAt: '2024-05-01T10:00:01.000Z',
  changes: { cursor: 'c1.0', endCursor: 'c1.1', path: '/records?connectionId=acme&model=contacts&cursor=c1.0' },
};
const body = JSON.stringify(event);
const now = Math.floor(Date.now() / 1000);
const signed = (text: string, at = now) => ({ 'x-tributary-signature': signWebhook(text, secret, at), 'x-tributary-timestamp': String(at) });

describe('verifyWebhook', () => {
  it('returns the event of a correctly signed delivery, from fetch Headers', () => {
    expect(verifyWebhook(body, new Headers(signed(body)), secret)).toEqual(event);
  });

  it("accepts Node's req.headers and a raw byte body", () => {
    const headers = { 'X-Tributary-Signature': [signed(body)['x-tributary-signature']], 'x-tributary-timestamp': String(now), host: 'app' };
    expect(verifyWebhook(new TextEncoder().encode(body), headers, secret)).toEqual(event);
  });

  it('throws for a body changed after signing', () => {
    expect(() => verifyWebhook(body.replace('"added":1', '"added":2'), signed(body), secret)).toThrow(WebhookVerificationError);
  });

  it('throws for a body signed with another secret', () => {
    expect(() => verifyWebhook(body, signed(body), 'another-secret')).toThrow(WebhookVerificationError);
  });

  it('throws for a delivery older than the tolerance, so a captured one cannot be replayed', () => {
    expect(() => verifyWebhook(body, signed(body, now - 301), secret)).toThrow(WebhookVerificationError);
    expect(verifyWebhook(body, signed(body, now - 301), secret, { toleranceSeconds: 600 })).toEqual(event);
  });

  it('throws when the signature headers are missing', () => {
    expect(() => verifyWebhook(body, {}, secret)).toThrow(WebhookVerificationError);
  });
});
