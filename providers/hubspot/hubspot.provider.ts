// HubSpot as data: OAuth with expires_in and non-rotating refresh tokens, one API host, its error and 429 conventions.
import type { ProviderDefinition } from '../provider-definition';
import { hubspotActions } from './actions';
import { hubspotUnifiedModels } from './crm-mappings';
import { hubspotCompaniesSync } from './companies.sync';
import { hubspotContactsSync } from './contacts.sync';
import { hubspotWebhooks } from './webhooks';

export const hubspot: ProviderDefinition = {
  key: 'hubspot',
  displayName: 'HubSpot',
  // OAuth consent on app.hubspot.com (app-eu1.hubspot.com in the EU), the API on api.hubapi.com and regional hosts.
  hosts: ['api.hubapi.com', 'api-*.hubapi.com', 'app.hubspot.com', 'app-*.hubspot.com'],
  oauth: {
    authorizationUrl: 'https://app.hubspot.com/oauth/authorize',
    tokenUrl: 'https://api.hubapi.com/oauth/v1/token',
    defaultScopes: ['oauth', 'crm.objects.contacts.read', 'crm.objects.companies.read'],
    // Access tokens live 30 minutes and HubSpot says to refresh by expires_in, not on 401; the engine caps the margin
    // at a quarter of what is left, so this refreshes at about 25 minutes.
    refreshMarginSeconds: 300,
    tokenLifetime: { source: 'expires_in' },
    // The v1 token endpoint answers `{"status": "BAD_REFRESH_TOKEN", "message": …}`, not RFC 6749's `error`.
    tokenErrors: { codeField: 'status', messageField: 'message', invalidGrantCodes: ['BAD_REFRESH_TOKEN', 'BAD_AUTH_CODE', 'invalid_grant'] },
    scopeDescriptions: {
      oauth: 'keep access until you disconnect',
      'crm.objects.contacts.read': 'read your HubSpot contacts',
      'crm.objects.companies.read': 'read your HubSpot companies',
    },
    maxResponseBytes: 64 * 1024,
  },
  api: {
    baseUrl: 'https://api.hubapi.com',
    errorRules: {
      errorCodePath: ['category'],
      errorMessagePath: ['message'],
      rules: [
        // The burst limit is a rolling 10-second window: after 10 s every earlier call has aged out of it.
        { status: 429, bodyField: { path: ['policyName'], equals: 'TEN_SECONDLY_ROLLING' }, kind: 'rate_limited', wait: { fixedMs: 10_000 }, reason: 'ten-second burst limit reached' },
        // Search allows a few requests per second per account.
        { status: 429, bodyField: { path: ['policyName'], equals: 'SECONDLY' }, kind: 'rate_limited', wait: { fixedMs: 1_000 }, reason: 'per-second limit reached' },
        // The daily allowance resets at midnight in the account's time zone, which the catalog cannot know (a guessed
        // zone would oversleep by up to a day, or wake early and then sleep a whole day): try again hourly instead.
        { status: 429, bodyField: { path: ['policyName'], equals: 'DAILY' }, kind: 'rate_limited', wait: { fixedMs: 60 * 60_000 }, reason: 'daily limit reached' },
        { status: 401, code: 'EXPIRED_AUTHENTICATION', kind: 'auth_expired', reason: 'access token expired' },
      ],
      // HubSpot sends no reset header (X-HubSpot-RateLimit-Interval-Milliseconds is the window's length, not a reset).
      rateLimitResetHeaders: [],
      rateLimitBackoff: { baseMs: 2_000, capMs: 5 * 60_000 },
      // The daily limit resets within a day; a longer hint is a mistake.
      maxRateLimitWaitMs: 24 * 60 * 60_000,
    },
    pageSize: 100,
    // The search index shows a change seconds after it is made, sometimes after later ones: each run re-reads a minute.
    incrementalLookbackMs: 60_000,
    requestTimeoutMs: 60_000,
    // Per worker process; HubSpot's limits are per app and account (110 per 10 s), so connections share little.
    maxConcurrentRequests: 10,
    // 100 records with the requested properties are well under a megabyte.
    maxResponseBytes: 8 * 1024 * 1024,
    // No quota guard: OAuth answers carry no daily-allowance headers (X-HubSpot-RateLimit-Daily is sent to private
    // apps only), and the 10-second window is handled by its 429.
  },
  accountIdentity: {
    noun: 'portal',
    // The portal ("hub") is the account. Token answers carry `hub_id` since 2025-08; older ones need the token-info
    // endpoint, on the token endpoint's host, which takes the token in its path.
    tokenAnswer: { field: 'hub_id' },
    lookup: { from: 'token-url', path: '/oauth/v1/access-tokens/{accessToken}', field: 'hub_id' },
  },
  webhooks: hubspotWebhooks,
  actions: hubspotActions,
  syncs: [hubspotContactsSync, hubspotCompaniesSync],
  unifiedModels: hubspotUnifiedModels,
};
