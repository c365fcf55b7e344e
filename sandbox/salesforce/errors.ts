// The error bodies Salesforce sends: the REST API's `[{message, errorCode}]` and the OAuth endpoints' RFC 6749 shape.
import { SandboxHttpError } from '../common/errors';

export { SandboxHttpError } from '../common/errors';

/** REST API errors are a JSON array of `{message, errorCode}`. */
export function apiError(status: number, errorCode: string, message: string): SandboxHttpError {
  return new SandboxHttpError(status, [{ message, errorCode }], `${errorCode}: ${message}`);
}

/** OAuth endpoints answer `{error, error_description}` as RFC 6749 does. */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(status, { error, error_description: description }, `${error}: ${description}`, headers);
}

export const invalidSession = (): SandboxHttpError => apiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
export const invalidLocator = (): SandboxHttpError => apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
export const malformedQuery = (message: string): SandboxHttpError => apiError(400, 'MALFORMED_QUERY', message);
