// The sandbox's one error type: an HTTP status and the exact body Salesforce (or the control API) would send.

export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'SandboxHttpError';
  }
}

/** REST API errors are a JSON array of `{message, errorCode}`. */
export function apiError(status: number, errorCode: string, message: string): SandboxHttpError {
  return new SandboxHttpError(status, [{ message, errorCode }], `${errorCode}: ${message}`);
}

/** OAuth endpoints answer `{error, error_description}` as RFC 6749 does. */
export function oauthError(status: number, error: string, description: string, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(status, { error, error_description: description }, `${error}: ${description}`, headers);
}

/** The control API names the offending field so a test author sees the mistake at once. */
export function controlError(status: number, message: string, fields: { field: string; message: string }[] = []): SandboxHttpError {
  return new SandboxHttpError(status, { error: message, fields }, message);
}

export const invalidSession = (): SandboxHttpError => apiError(401, 'INVALID_SESSION_ID', 'Session expired or invalid');
export const invalidLocator = (): SandboxHttpError => apiError(400, 'INVALID_QUERY_LOCATOR', 'invalid query locator');
export const malformedQuery = (message: string): SandboxHttpError => apiError(400, 'MALFORMED_QUERY', message);
