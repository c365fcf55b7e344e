// The HubSpot sandbox's error bodies: the CRM API's `{status: 'error', message, correlationId, category}`, the
// rate-limit 429 with its `policyName`, and the v1 token endpoint's `{status: 'BAD_…', message}`.
import { randomUUID } from 'node:crypto';
import { SandboxHttpError } from '../common/errors';

export { SandboxHttpError } from '../common/errors';

/** CRM v3 errors: `category` is the machine-readable part (VALIDATION_ERROR, EXPIRED_AUTHENTICATION, …). */
export function crmError(status: number, category: string, message: string, extra: Record<string, unknown> = {}): SandboxHttpError {
  return new SandboxHttpError(status, { status: 'error', message, correlationId: randomUUID(), category, ...extra }, `${category}: ${message}`);
}

export type RateLimitPolicy = 'TEN_SECONDLY_ROLLING' | 'SECONDLY' | 'DAILY';

const POLICY_WORDS: Record<RateLimitPolicy, string> = {
  TEN_SECONDLY_ROLLING: 'ten_secondly_rolling',
  SECONDLY: 'secondly',
  DAILY: 'daily',
};

/** HubSpot's 429 names the policy that refused the call and sends no Retry-After. */
export function rateLimited(policy: RateLimitPolicy): SandboxHttpError {
  return new SandboxHttpError(
    429,
    {
      status: 'error',
      message: `You have reached your ${POLICY_WORDS[policy]} limit.`,
      errorType: 'RATE_LIMIT',
      correlationId: randomUUID(),
      policyName: policy,
      groupName: 'publicapi:oauth:sandbox-app',
    },
    `RATE_LIMIT: ${policy}`,
  );
}

/** The v1 token endpoint answers its own way: `status` holds the code (BAD_REFRESH_TOKEN, BAD_AUTH_CODE, …). */
export function tokenError(status: number, code: string, message: string): SandboxHttpError {
  return new SandboxHttpError(status, { status: code, message, correlationId: randomUUID(), requestId: randomUUID() }, `${code}: ${message}`);
}

export const expiredToken = (): SandboxHttpError =>
  crmError(401, 'EXPIRED_AUTHENTICATION', 'The OAuth token used to make this call expired 0 second(s) ago.');

export const missingCredentials = (): SandboxHttpError =>
  crmError(
    401,
    'INVALID_AUTHENTICATION',
    'Authentication credentials not found. This API supports OAuth 2.0 authentication and you can find more details at https://developers.hubspot.com/docs/methods/auth/oauth-overview',
  );

export const validationError = (message: string): SandboxHttpError => crmError(400, 'VALIDATION_ERROR', message);
