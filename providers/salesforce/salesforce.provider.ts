// Salesforce as data: OAuth hosts, the missing expires_in, instance URLs, and its error conventions.
import type { ProviderDefinition } from '../provider-definition';
import { salesforceActions } from './actions';
import { salesforceUnifiedModels } from './crm-mappings';
import { accountsSync } from './accounts.sync';
import { contactsSync } from './contacts.sync';
import { salesforceWebhooks } from './webhooks';

export const salesforce: ProviderDefinition = {
  key: 'salesforce',
  displayName: 'Salesforce',
  // login/test.salesforce.com for OAuth, My Domain hosts (*.my.salesforce.com, sandboxes *.sandbox.my.salesforce.com,
  // all below salesforce.com), and the Experience Cloud and Visualforce hosts under force.com.
  hosts: ['*.salesforce.com', '*.force.com'],
  oauth: {
    // Sandboxes use test.salesforce.com and My Domain orgs their own host: integrations override these URLs.
    authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
    tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    defaultScopes: ['api', 'refresh_token'],
    // Without it Salesforce approves an app the signed-in user already approved without showing anything: a connect
    // form someone else's site got a customer's browser to submit would connect that customer's org unseen.
    authorizationParams: { prompt: 'consent' },
    refreshMarginSeconds: 300,
    // Salesforce never sends expires_in; the session lifetime is an org setting (2 hours by default).
    tokenLifetime: { source: 'introspection', introspectionPath: '/services/oauth2/introspect', fallbackSeconds: 7200 },
    // Each org has its own host (its My Domain): every API call of the connection goes there.
    apiBaseUrlField: 'instance_url',
    scopeDescriptions: {
      api: 'read your Salesforce records such as contacts and accounts',
      full: 'read your Salesforce records such as contacts and accounts',
      refresh_token: 'keep access until you disconnect',
      offline_access: 'keep access until you disconnect',
      id: 'see your user name and organization',
      openid: 'see your user name and organization',
    },
    maxResponseBytes: 64 * 1024,
  },
  api: {
    errorRules: {
      errorCodePath: ['0', 'errorCode'],
      errorMessagePath: ['0', 'message'],
      rules: [
        // One code, two limits, told apart by the message. Too many long-running requests (20 s or more) in flight
        // at once: they finish within seconds to minutes, so back off.
        { status: 403, code: 'REQUEST_LIMIT_EXCEEDED', messageIncludes: 'ConcurrentRequests', kind: 'rate_limited', reason: 'concurrent request limit reached' },
        // The daily quota ("TotalRequests Limit exceeded."), not a failure: the 24-hour window is rolling, so
        // calls age out of it gradually; try again in a quarter of an hour.
        { status: 403, code: 'REQUEST_LIMIT_EXCEEDED', kind: 'rate_limited', wait: { fixedMs: 15 * 60_000 }, reason: 'API request limit reached' },
        // The server-side query cursor expired or died with its session: re-query from the checkpoint.
        { status: 400, code: 'INVALID_QUERY_LOCATOR', kind: 'transient', reason: 'query cursor expired' },
        { status: 401, code: 'INVALID_SESSION_ID', kind: 'auth_expired', reason: 'session expired' },
      ],
      // Core REST documents no 429 and no reset headers; these apply to whatever else answers without a hint.
      rateLimitBackoff: { baseMs: 5_000, capMs: 10 * 60_000 },
      // The longest wait Salesforce could mean is its rolling 24-hour window.
      maxRateLimitWaitMs: 24 * 60 * 60_000,
      // SOQL naming a field the org lacks, or one field-level security hides from the integration user (describe
      // leaves those out), fails whole: `400 [{"errorCode": "INVALID_FIELD", …}]`.
      fieldErrors: [{ status: 400, code: 'INVALID_FIELD' }],
    },
    pageSize: 2000,
    // SystemModstamp is taken when a transaction writes, but the row is visible only once it commits.
    incrementalLookbackMs: 10_000,
    requestTimeoutMs: 120_000,
    // Per worker process. Salesforce refuses more than 25 long-running requests in flight per org; 10 keeps a worker
    // well under that with room for the customer's other integrations, and a page takes about a second, so ten
    // permits still serve many connections' syncs at once.
    maxConcurrentRequests: 10,
    // A 2,000-record page of wide objects is a few MB; anything near this is not a page Salesforce would send.
    maxResponseBytes: 32 * 1024 * 1024,
    quota: {
      header: 'sforce-limit-info',
      pattern: /api-usage=(?<used>\d+)\/(?<limit>\d+)/,
      // The org's allowance is shared with every other integration the customer runs: leave them a fifth.
      maxShare: 0.8,
      // The 24-hour window is rolling: wait an hour for old calls to age out, then let one request tell.
      waitMs: 60 * 60_000,
    },
  },
  accountIdentity: {
    noun: 'organization',
    // The identity URL `https://login.salesforce.com/id/{orgId}/{userId}`: the org is the account; the user may change.
    tokenAnswer: { field: 'id', pattern: /\/id\/(?<accountId>[A-Za-z0-9]{15,18})\/[A-Za-z0-9]{15,18}\/?$/ },
    // OpenID userinfo on the instance names the org (Outbound Messages carry the same OrganizationId): for a
    // connection created with tokens, which has no token answer to read.
    lookup: { from: 'api', path: '/services/oauth2/userinfo', field: 'organization_id' },
  },
  webhooks: salesforceWebhooks,
  actions: salesforceActions,
  syncs: [contactsSync, accountsSync],
  unifiedModels: salesforceUnifiedModels,
};
