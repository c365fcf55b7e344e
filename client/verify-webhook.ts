// Verifies a webhook delivery with the same code Tributary signs it with, and hands back the event typed.
import type { WebhookEvent } from '../contracts/webhook-events';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER, verifyWebhookSignature, type VerifyOptions } from '../security/webhook-signature';

/** A fetch `Headers`, or Node's `req.headers` (lower-case names; a repeated header is an array). */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export class WebhookVerificationError extends Error {
  override readonly name = 'WebhookVerificationError';
}

/**
 * Returns the event only when `rawBody` (the bytes as received, before any JSON parsing) carries a valid signature
 * from within the tolerance window; throws WebhookVerificationError otherwise, so an unverified event is never returned.
 */
export function verifyWebhook(rawBody: string | Uint8Array, headers: WebhookHeaders, secret: string, options: VerifyOptions = {}): WebhookEvent {
  const body = typeof rawBody === 'string' ? rawBody : new TextDecoder().decode(rawBody);
  const signed = { signature: header(headers, SIGNATURE_HEADER), timestamp: header(headers, TIMESTAMP_HEADER) };
  if (!verifyWebhookSignature(body, signed, secret, options)) {
    throw new WebhookVerificationError('webhook signature is missing, wrong or too old');
  }
  return JSON.parse(body) as WebhookEvent;
}

function header(headers: WebhookHeaders, name: string): string | null {
  if (headers instanceof Headers) return headers.get(name);
  const entry = Object.entries(headers).find(([key]) => key.toLowerCase() === name);
  const value = entry?.[1];
  return (Array.isArray(value) ? value[0] : value) ?? null;
}
