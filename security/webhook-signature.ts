// Signs webhook bodies (HMAC-SHA256 over "timestamp.body") and verifies them; apps import verifyWebhookSignature.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const SIGNATURE_HEADER = 'x-tributary-signature';
export const TIMESTAMP_HEADER = 'x-tributary-timestamp';

export function signWebhook(body: string, secret: string, timestampSeconds: number): string {
  return createHmac('sha256', secret).update(`${timestampSeconds}.${body}`).digest('hex');
}

export interface VerifyOptions {
  /** Reject deliveries older than this, so a captured request cannot be replayed later. Default 5 minutes. */
  toleranceSeconds?: number;
  nowSeconds?: number;
}

/** Returns true only for a body signed with `secret` within the tolerance window. Compares in constant time. */
export function verifyWebhookSignature(
  body: string,
  headers: { signature?: string | null; timestamp?: string | null },
  secret: string,
  options: VerifyOptions = {},
): boolean {
  const timestamp = Number(headers.timestamp);
  if (!headers.signature || !Number.isInteger(timestamp)) return false;
  const now = options.nowSeconds ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? 300)) return false;
  const expected = Buffer.from(signWebhook(body, secret, timestamp), 'hex');
  const given = Buffer.from(headers.signature, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}
