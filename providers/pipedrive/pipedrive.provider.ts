// Pipedrive as data: OAuth with HTTP Basic client authentication and a per-company API domain, its token-budget rate
// limits, v2 lists of persons and organizations, and webhooks proven by HTTP Basic credentials.
import type { ProviderDefinition } from '../provider-definition';
import { pipedriveActions } from './actions';
import { pipedriveUnifiedModels } from './crm-mappings';
import { pipedriveOrganizationsSync } from './organizations.sync';
import { pipedrivePersonsSync } from './persons.sync';
import { pipedriveWebhooks } from './webhooks';

export const pipedrive: ProviderDefinition = {
  key: 'pipedrive',
  displayName: 'Pipedrive',
  // OAuth on oauth.pipedrive.com; each company's API (and web app) on {company}.pipedrive.com, named by the token
  // answer's api_domain. (Pipedrive's own rule is one DNS label; any name below pipedrive.com is Pipedrive's too.)
  hosts: ['oauth.pipedrive.com', '*.pipedrive.com'],
  oauth: {
    authorizationUrl: 'https://oauth.pipedrive.com/oauth/authorize',
    tokenUrl: 'https://oauth.pipedrive.com/oauth/token',
    // Authorize takes no scope parameter: the scopes are fixed in the app's Marketplace settings.
    defaultScopes: [],
    // The token endpoint takes the app's credentials only as HTTP Basic (credentials in the body count as none).
    clientAuthentication: 'basic',
    // Access tokens live an hour (expires_in 3599).
    refreshMarginSeconds: 300,
    tokenLifetime: { source: 'expires_in' },
    // `https://{company}.pipedrive.com`: re-read at every refresh (a company can rename its domain), kept if absent.
    apiBaseUrlField: 'api_domain',
    // "Invalid grant: refresh_token is invalid" comes as a message; the JSON around it is not documented, so the
    // RFC 6749 code is read where both shapes put one.
    tokenErrors: { codeField: 'error', messageField: 'message', invalidGrantCodes: ['invalid_grant'] },
    scopeDescriptions: {},
    maxResponseBytes: 64 * 1024,
  },
  api: {
    errorRules: {
      // `{"success": false, "error": "…", "errorCode": 403, "error_info": "…"}`; feature caps add a string `code`.
      errorCodePath: ['code'],
      errorMessagePath: ['error'],
      rules: [
        // The daily token budget and the two-second burst limit both answer 429 with the burst window's headers; only
        // a burst refusal leaves x-ratelimit-remaining at 0. The budget resets at midnight in Pipedrive's server time
        // zone, which the catalog cannot know: try again hourly (a refused call costs no tokens).
        {
          status: 429,
          header: { name: 'x-ratelimit-remaining', matches: /^[1-9]\d*$/ },
          kind: 'rate_limited',
          wait: { fixedMs: 60 * 60_000 },
          ignoreResetHeaders: true,
          reason: 'daily token budget spent',
        },
        // Cloudflare blocks a client that keeps calling through 429s with an HTML page, not JSON.
        { status: 403, messageIncludes: 'Cloudflare', kind: 'rate_limited', wait: { fixedMs: 60_000 }, reason: 'blocked by Cloudflare after repeated 429s' },
        { status: 402, kind: 'permanent', reason: "the company's Pipedrive account is not open (trial ended or unpaid)" },
      ],
      // A burst 429 says when the two-second window frees up; Pipedrive sends no Retry-After.
      rateLimitResetHeaders: ['x-ratelimit-reset'],
      rateLimitBackoff: { baseMs: 2_000, capMs: 5 * 60_000 },
      // The daily budget resets within a day.
      maxRateLimitWaitMs: 24 * 60 * 60_000,
    },
    // The v2 lists' largest page: a list call costs the same tokens whatever its size.
    pageSize: 500,
    // update_time is whole seconds and the list reads the last second again anyway; ten seconds more cover a write
    // that becomes visible after later ones.
    incrementalLookbackMs: 10_000,
    requestTimeoutMs: 60_000,
    // Per worker process. The burst limit is per access token (80 per 2 s on the smallest plan): a few requests in
    // flight keep one connection well below it and leave room for the customer's other apps.
    maxConcurrentRequests: 8,
    // 500 persons with their custom fields are a few hundred KB.
    maxResponseBytes: 16 * 1024 * 1024,
    // No quota guard: the budget headers (x-daily-ratelimit-token-*) are not documented for OAuth apps.
  },
  accountIdentity: {
    noun: 'company',
    // A token belongs to one user in one company; webhooks name the company by `meta.company_id`.
    lookup: { from: 'api', path: '/api/v1/users/me', field: 'data.company_id' },
  },
  webhooks: pipedriveWebhooks,
  actions: pipedriveActions,
  syncs: [pipedrivePersonsSync, pipedriveOrganizationsSync],
  unifiedModels: pipedriveUnifiedModels,
};
