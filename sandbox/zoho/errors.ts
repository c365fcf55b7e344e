// The Zoho sandbox's error bodies: the CRM API's `{code, details, message, status: "error"}` (alone, or one per record
// inside `data[]`), and Zoho Accounts' token answers `{"error": "invalid_code"}`, which come with HTTP 200.
import { SandboxHttpError } from '../common/errors';

export { SandboxHttpError } from '../common/errors';

/** One record's (or one request's) failure as the CRM API words it. */
export interface ZohoErrorBody {
  code: string;
  details: Record<string, unknown>;
  message: string;
  status: 'error';
}

export const errorBody = (code: string, message: string, details: Record<string, unknown> = {}): ZohoErrorBody => ({ code, details, message, status: 'error' });

export function zohoError(status: number, code: string, message: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}): SandboxHttpError {
  return new SandboxHttpError(status, errorBody(code, message, details), `${code}: ${message}`, headers);
}

/** Expired, unknown, evicted or another data centre's access token (seen in the wild with exactly this body). */
export const invalidToken = () => zohoError(401, 'INVALID_TOKEN', 'invalid oauth token');

/** No `Authorization` header, or one in a scheme the API does not take. */
export const authenticationFailure = () => zohoError(401, 'AUTHENTICATION_FAILURE', 'Authentication failed');

export const scopeMismatch = () => zohoError(401, 'OAUTH_SCOPE_MISMATCH', 'Unauthorized');

export const invalidModule = () => zohoError(400, 'INVALID_MODULE', 'the module name given seems to be invalid', { resource_path_index: 0 });

export const invalidUrl = () => zohoError(404, 'INVALID_URL_PATTERN', 'Please check if the URL trying to access is a correct one');

export const requiredParamMissing = (paramName: string) => zohoError(400, 'REQUIRED_PARAM_MISSING', 'required param is missing', { param_name: paramName });

export const invalidParam = (paramName: string, message = 'invalid data', extra: Record<string, unknown> = {}) =>
  zohoError(400, 'INVALID_DATA', message, { param_name: paramName, ...extra });

/**
 * Zoho Accounts answers token failures with HTTP 200 and only `error`: clients must look for `access_token`, not the
 * status. `status` exists for the few answers whose status is itself an option.
 */
export function accountsError(error: string, status = 200, extra: Record<string, unknown> = {}): SandboxHttpError {
  return new SandboxHttpError(status, { error, ...extra }, `token endpoint: ${error}`);
}
