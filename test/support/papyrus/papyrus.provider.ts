// Papyrus CRM, a provider that exists only in tests: the quirks of the next providers (an API domain per company in
// the token answer, HTTP Basic client authentication, refusals inside HTTP 200, its own Authorization scheme, a
// field-error code, webhooks carrying the integration's secret), declared as data and nothing else.
import type { ProviderDefinition } from '../../../providers/provider-definition';
import { papyrusNotesSync } from './notes.sync';
import { papyrusWebhooks } from './webhooks';

export const papyrus: ProviderDefinition = {
  key: 'papyrus',
  displayName: 'Papyrus CRM',
  hosts: ['auth.papyrus.example', '*.papyrus.example'],
  oauth: {
    authorizationUrl: 'https://auth.papyrus.example/oauth/authorize',
    tokenUrl: 'https://auth.papyrus.example/oauth/token',
    defaultScopes: ['notes:read'],
    clientAuthentication: 'basic',
    refreshMarginSeconds: 60,
    tokenLifetime: { source: 'expires_in' },
    apiBaseUrlField: 'api_domain',
    tokenErrors: { codeField: 'error', messageField: 'error_description', invalidGrantCodes: ['invalid_code'], refusesWithOk: true },
    scopeDescriptions: { 'notes:read': 'read your Papyrus notes' },
    maxResponseBytes: 64 * 1024,
  },
  api: {
    authorizationScheme: 'Papyrus-token',
    errorRules: {
      errorCodePath: ['error', 'code'],
      errorMessagePath: ['error', 'message'],
      rules: [],
      rateLimitBackoff: { baseMs: 1_000, capMs: 60_000 },
      maxRateLimitWaitMs: 60 * 60_000,
      fieldErrors: [{ status: 400, code: 'UNKNOWN_FIELD' }],
    },
    pageSize: 100,
    requestTimeoutMs: 10_000,
    maxConcurrentRequests: 4,
    maxResponseBytes: 1024 * 1024,
  },
  accountIdentity: { noun: 'company', lookup: { from: 'api', path: '/v1/me', field: 'company_id' } },
  webhooks: papyrusWebhooks,
  syncs: [papyrusNotesSync],
};
