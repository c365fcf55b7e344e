// Salesforce as data: OAuth hosts, the missing expires_in, instance URLs, and its error conventions.
import type { ProviderDefinition } from '../provider-definition';
import { accountsSync } from './accounts.sync';
import { contactsSync } from './contacts.sync';

export const salesforce: ProviderDefinition = {
  key: 'salesforce',
  displayName: 'Salesforce',
  oauth: {
    // Sandboxes use test.salesforce.com and My Domain orgs their own host: integrations override these URLs.
    authorizationUrl: 'https://login.salesforce.com/services/oauth2/authorize',
    tokenUrl: 'https://login.salesforce.com/services/oauth2/token',
    defaultScopes: ['api', 'refresh_token'],
    refreshMarginSeconds: 300,
    // Salesforce never sends expires_in; the session lifetime is an org setting (2 hours by default).
    tokenLifetime: { source: 'introspection', introspectionPath: '/services/oauth2/introspect', fallbackSeconds: 7200 },
    instanceUrlField: 'instance_url',
  },
  api: {
    errorRules: {
      errorCodePath: ['0', 'errorCode'],
      errorMessagePath: ['0', 'message'],
      rules: [
        // A daily quota, not a failure: wait for the rolling 24-hour window to free up.
        { status: 403, code: 'REQUEST_LIMIT_EXCEEDED', kind: 'rate_limited', waitMs: 15 * 60_000, reason: 'API request limit reached' },
        // The server-side query cursor expired or died with its session: re-query from the checkpoint.
        { status: 400, code: 'INVALID_QUERY_LOCATOR', kind: 'transient', reason: 'query cursor expired' },
        { status: 401, code: 'INVALID_SESSION_ID', kind: 'auth_expired', reason: 'session expired' },
      ],
    },
    pageSize: 2000,
    requestTimeoutMs: 120_000,
  },
  syncs: [contactsSync, accountsSync],
};
