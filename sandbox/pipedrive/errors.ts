// The Pipedrive sandbox's error bodies: the API's `{success: false, error, errorCode, error_info}`, the token
// endpoint's "Invalid grant: …" messages, and Cloudflare's HTML block page, which is not JSON at all.
import { SandboxHttpError } from '../common/errors';

export { SandboxHttpError } from '../common/errors';

const ERROR_INFO = 'Please check developers.pipedrive.com';

/** The shape captured from Pipedrive's API (401 "unauthorized access", 403 "Scope and URL mismatch"). */
export function apiError(status: number, error: string, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(status, { success: false, error, errorCode: status, error_info: ERROR_INFO }, `${status}: ${error}`, headers);
}

export const unauthorized = (): SandboxHttpError => apiError(401, 'unauthorized access');
export const scopeMismatch = (): SandboxHttpError => apiError(403, 'Scope and URL mismatch');
export const paymentRequired = (): SandboxHttpError => apiError(402, 'Company account is not open. Possible reason: trial expired or payment details not entered.');
export const notFound = (what: string): SandboxHttpError => apiError(404, `${what} not found`);
export const validationFailed = (field: string, message: string): SandboxHttpError => apiError(400, `Validation failed: ${field}: ${message}`);
/** The body of a 429 is unconfirmed upstream; Pipedrive sends no Retry-After (the x-ratelimit-* headers say when). */
export const tooManyRequests = (headers: Record<string, string>): SandboxHttpError => apiError(429, 'Request over limit', headers);

/**
 * The token endpoint's errors. The messages are Pipedrive's documented ones ("Invalid grant: authorization_code has
 * expired", …); the JSON around them is unconfirmed, so both a `message` and an RFC 6749 `error` code are sent.
 */
export function oauthError(status: number, error: string, message: string, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(status, { success: false, error, message }, `${error}: ${message}`, headers);
}

/** What Cloudflare answers in front of Pipedrive after sustained abuse: an HTML page with a 403. */
export class CloudflareBlock extends SandboxHttpError {
  constructor() {
    super(403, null, 'blocked by Cloudflare');
  }

  readonly html = `<!DOCTYPE html>
<html lang="en-US">
<head><title>Attention Required! | Cloudflare</title></head>
<body>
<div id="cf-wrapper"><h1>Sorry, you have been blocked</h1>
<h2>You are unable to access pipedrive.com</h2>
<p>This website is using a security service to protect itself from online attacks.</p>
<p>Cloudflare Ray ID: <strong>${Math.floor(Math.random() * 2 ** 48).toString(16)}</strong></p></div>
</body>
</html>`;
}
