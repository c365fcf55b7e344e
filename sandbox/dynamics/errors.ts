// The Dynamics sandbox's error bodies: the Web API's `{error: {code: "0x…", message}}` and the Microsoft identity
// platform's `{error, error_description: "AADSTS…: … Trace ID: … Correlation ID: … Timestamp: …", error_codes, …}`.
import { randomUUID } from 'node:crypto';
import { SandboxHttpError } from '../common/errors';

export { SandboxHttpError } from '../common/errors';

/** Web API errors: `code` is the platform's hex error code (not the HTTP status), sometimes empty. */
export function dataverseError(status: number, code: string, message: string, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(status, { error: { code, message } }, `${code}: ${message}`, headers);
}

/** The OData layer's own refusals (unknown property, bad syntax, unknown segment) all carry this one code. */
export const ODATA_ERROR = '0x80060888';

export const odataError = (status: number, message: string): SandboxHttpError => dataverseError(status, ODATA_ERROR, message);

export const recordNotFound = (logicalName: string, id: string): SandboxHttpError =>
  dataverseError(404, '0x80040217', `${logicalName} With Id = ${id} Does Not Exist`);

/** Service protection: the three documented limits, each with its hex code and message (MS api-limits.md). */
export const SERVICE_PROTECTION = {
  requests: { code: '0x80072322', message: (limit: number, windowSeconds: number) => `Number of requests exceeded the limit of ${limit} over time window of ${windowSeconds} seconds.` },
  executionTime: {
    code: '0x80072321',
    message: () => 'Combined execution time of incoming requests exceeded limit of 1,200,000 milliseconds over time window of 300 seconds. Decrease number of concurrent requests or reduce the duration of requests and try again later.',
  },
  concurrency: { code: '0x80072326', message: (limit: number) => `Number of concurrent requests exceeded the limit of ${limit}.` },
} as const;

export type ServiceProtectionLimit = keyof typeof SERVICE_PROTECTION;

export function throttled(limit: ServiceProtectionLimit, retryAfterSeconds: number, message: string): SandboxHttpError {
  return dataverseError(429, SERVICE_PROTECTION[limit].code, message, { 'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))) });
}

/**
 * Identity platform errors: the AADSTS number leads the description, followed by the trace fields every answer
 * carries; `error_codes` repeats the number for clients that classify without parsing text.
 */
export function aadError(status: number, error: string, aadsts: number, description: string): SandboxHttpError {
  const traceId = randomUUID();
  const correlationId = randomUUID();
  const timestamp = new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
  return new SandboxHttpError(
    status,
    {
      error,
      error_description: `AADSTS${aadsts}: ${description} Trace ID: ${traceId} Correlation ID: ${correlationId} Timestamp: ${timestamp}`,
      error_codes: [aadsts],
      timestamp,
      trace_id: traceId,
      correlation_id: correlationId,
      error_uri: `https://login.microsoftonline.com/error?code=${aadsts}`,
    },
    `${error}: AADSTS${aadsts}`,
  );
}

/** The sign-in page's own error (no redirect: the request cannot be trusted to name where to go). */
export function signInPageError(aadsts: number, description: string): Error & { status: number; expose: boolean } {
  return Object.assign(new Error(`AADSTS${aadsts}: ${description}`), { status: 400, expose: true });
}
