// Zoho CRM as data: one OAuth app over several data centres, refusals inside HTTP 200, its own Authorization scheme,
// and its error and limit conventions.
import type { ProviderDefinition } from '../provider-definition';
import { zohoActions } from './actions';
import { zohoAccountsSync } from './accounts.sync';
import { zohoContactsSync } from './contacts.sync';
import { zohoUnifiedModels } from './crm-mappings';
import { zohoDataCentres, zohoHosts } from './data-centres';

export const zoho: ProviderDefinition = {
  key: 'zoho',
  displayName: 'Zoho CRM',
  hosts: zohoHosts,
  oauth: {
    // Sign-in starts at the US accounts server whatever the customer's data centre (multi-DC enabled in the API
    // console): the callback's `accounts-server` names theirs, where the code and every refresh token live.
    authorizationUrl: 'https://accounts.zoho.com/oauth/v2/auth',
    tokenUrl: 'https://accounts.zoho.com/oauth/v2/token',
    tokenHostFromCallback: zohoDataCentres,
    defaultScopes: ['ZohoCRM.modules.contacts.ALL', 'ZohoCRM.modules.accounts.ALL', 'ZohoCRM.settings.fields.READ', 'ZohoCRM.org.READ', 'ZohoCRM.users.READ'],
    scopeSeparator: ',',
    // `access_type=offline` grants a refresh token only at a user's first consent; `prompt=consent` asks again, so a
    // reconnect gets one too (each counts against the user's 20: docs/providers/zoho.md).
    authorizationParams: { access_type: 'offline', prompt: 'consent' },
    refreshMarginSeconds: 300,
    tokenLifetime: { source: 'expires_in' },
    // The customer's data centre's API domain, e.g. https://www.zohoapis.eu.
    apiBaseUrlField: 'api_domain',
    // HTTP 200 `{"error": "invalid_code"}` for a dead code or refresh token; "Access Denied" past the 10 access tokens
    // one refresh token may mint in 10 minutes, which passes.
    tokenErrors: { codeField: 'error', messageField: 'error_description', invalidGrantCodes: ['invalid_code'], refusesWithOk: true, transientCodes: ['Access Denied', 'access_denied'] },
    scopeDescriptions: {
      'ZohoCRM.modules.contacts.ALL': 'read and write your Zoho CRM contacts',
      'ZohoCRM.modules.accounts.ALL': 'read and write your Zoho CRM accounts',
      'ZohoCRM.settings.fields.READ': 'see which fields your contacts and accounts have',
      'ZohoCRM.org.READ': 'see your organization',
      'ZohoCRM.users.READ': 'see your user name and profile',
    },
    maxResponseBytes: 64 * 1024,
  },
  api: {
    authorizationScheme: 'Zoho-oauthtoken',
    errorRules: {
      errorCodePath: ['code'],
      errorMessagePath: ['message'],
      rules: [
        { status: 401, code: 'INVALID_TOKEN', kind: 'auth_expired', reason: 'access token expired' },
        // A scope the app was not granted: a new token has no more of them; the customer must reconnect.
        { status: 401, code: 'OAUTH_SCOPE_MISMATCH', kind: 'permanent', reason: 'the connection lacks a scope this call needs' },
        // Concurrency (per org and app) and the day's API credits answer alike and name no wait (REFERENCE-crms
        // §3.6; status and headers unconfirmed, 429 the documented default): back off. A Retry-After, if sent, wins.
        { code: 'TOO_MANY_REQUESTS', kind: 'rate_limited', reason: 'Zoho concurrency or API credit limit reached' },
        { code: 'RATE_LIMIT_EXCEEDED', kind: 'rate_limited', reason: 'Zoho API rate limit reached' },
      ],
      rateLimitBackoff: { baseMs: 5_000, capMs: 15 * 60_000 },
      // Credits come back as calls age out of the rolling 24 hours.
      maxRateLimitWaitMs: 24 * 60 * 60_000,
      // A field the org no longer has: `400 INVALID_DATA` naming it.
      fieldErrors: [{ status: 400, code: 'INVALID_DATA' }],
    },
    pageSize: 200,
    // Modified_Time has whole seconds and the last one is always read again; a few more catch late commits.
    incrementalLookbackMs: 5_000,
    requestTimeoutMs: 60_000,
    // Per worker process. An org allows 5 (Free) to 25 (Ultimate) concurrent calls per app; 10 is Standard's, and a
    // Free org that is asked too much answers TOO_MANY_REQUESTS, which backs off.
    maxConcurrentRequests: 10,
    // 200 records of at most 50 fields.
    maxResponseBytes: 16 * 1024 * 1024,
    // No quota guard: Zoho reports no credit usage on answers.
  },
  accountIdentity: {
    noun: 'organization',
    // The org on the connection's data centre: `GET /crm/v8/org` → `{"org": [{"id": …}]}`.
    lookup: { from: 'api', path: '/crm/v8/org', field: 'org.0.id' },
  },
  actions: zohoActions,
  syncs: [zohoContactsSync, zohoAccountsSync],
  unifiedModels: zohoUnifiedModels,
};
