// Verifies HubSpot's v3 webhook signature: HMAC-SHA256 with the app's client secret, timestamp within five minutes.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const HUBSPOT_SIGNATURE_MAX_AGE_MS = 5 * 60 * 1000;

export interface HubSpotSignedRequest {
  method: string;
  /** The full URL HubSpot called, as it saw it (scheme, host, path and query). */
  uri: string;
  rawBody: Buffer;
  timestamp: string | undefined;
  signature: string | undefined;
}

/** Null when the request is authentic and fresh; otherwise why not (safe to log: names no secret). */
export function hubSpotSignatureProblem(clientSecret: string, request: HubSpotSignedRequest, now = Date.now()): string | null {
  if (!request.signature) return 'X-HubSpot-Signature-v3 is missing';
  if (!request.timestamp || !/^\d+$/.test(request.timestamp)) return 'X-HubSpot-Request-Timestamp is missing or not epoch milliseconds';
  if (Math.abs(now - Number(request.timestamp)) > HUBSPOT_SIGNATURE_MAX_AGE_MS) return 'X-HubSpot-Request-Timestamp is more than 5 minutes away';
  const expected = createHmac('sha256', clientSecret)
    .update(request.method)
    .update(request.uri)
    .update(request.rawBody)
    .update(request.timestamp)
    .digest();
  const given = Buffer.from(request.signature, 'base64');
  // Equal lengths first: timingSafeEqual throws otherwise, and a length says nothing about the secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'X-HubSpot-Signature-v3 does not match';
  return null;
}
