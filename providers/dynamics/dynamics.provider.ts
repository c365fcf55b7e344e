// Microsoft Dynamics 365 / Dataverse as data: identity platform OAuth scoped to the environment the customer names
// before sign-in, the Web API under that environment, and its service-protection and error conventions.
import type { ProviderDefinition } from '../provider-definition';
import { dynamicsActions } from './actions';
import { dynamicsAccountsSync } from './accounts.sync';
import { dynamicsContactsSync } from './contacts.sync';
import { dynamicsUnifiedModels } from './crm-mappings';
import { EXPIRED_DELTA_TOKEN } from './web-api';

/**
 * Where environments live: `https://<org>.<suffix>` and `https://<org>.api.<suffix>`, by region and cloud
 * (REFERENCE-crms §2.9, from microsoft/PowerPlatform-DataverseServiceClient DiscoveryServers.cs).
 */
export const DYNAMICS_ENVIRONMENT_HOSTS = [
  '*.crm.dynamics.com', // North America (and globaldisco)
  ...[2, 3, 4, 5, 6, 7, 8, 9, 11, 12, 14, 15, 16, 17, 19, 21].map((region) => `*.crm${region}.dynamics.com`),
  '*.crm.microsoftdynamics.us', // GCC High
  '*.crm.appsplatform.us', // DoD
  '*.crm.dynamics.cn', // China
];

export const dynamics: ProviderDefinition = {
  key: 'dynamics',
  displayName: 'Dynamics 365',
  // The identity platform's sign-in hosts (commercial, US Government, China), then the environments.
  hosts: ['login.microsoftonline.com', 'login.microsoftonline.us', 'login.partner.microsoftonline.cn', ...DYNAMICS_ENVIRONMENT_HOSTS],
  // The scope and the API both name the customer's environment, so it is asked before sign-in.
  connectInputs: [
    {
      name: 'environmentUrl',
      label: 'Your Dynamics 365 environment URL',
      kind: 'url',
      example: 'https://contoso.crm.dynamics.com',
      hosts: DYNAMICS_ENVIRONMENT_HOSTS,
    },
  ],
  oauth: {
    // `organizations`: any work account signs in, and its own tenant issues the tokens. An app registered for one tenant
    // (or a national cloud) sets the integration's URLs to `…/<tenant id>/oauth2/v2.0/…` on its login host.
    authorizationUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize',
    tokenUrl: 'https://login.microsoftonline.com/organizations/oauth2/v2.0/token',
    // The environment as the resource (its permissions as the app registration lists them); offline_access for a
    // refresh token (MS authenticate-oauth.md).
    defaultScopes: ['{environmentUrl}/.default', 'offline_access'],
    // Without it a signed-in browser passes through silently, as whichever account it has: the customer picks one.
    authorizationParams: { prompt: 'select_account' },
    // One refresh token mints access tokens for whichever resource a refresh names: name this connection's environment.
    scopeOnRefresh: true,
    // Access tokens live 60–90 minutes (expires_in says which).
    refreshMarginSeconds: 300,
    tokenLifetime: { source: 'expires_in' },
    // Every refusal is RFC 6749's `invalid_grant` with an AADSTS number in the description (70008 expired, 50173
    // revoked, 700082 inactive for 90 days): the default convention.
    scopeDescriptions: {
      '{environmentUrl}/.default': 'read and change your Dynamics 365 records, such as contacts and accounts, as you',
      '{environmentUrl}/user_impersonation': 'read and change your Dynamics 365 records, such as contacts and accounts, as you',
      offline_access: 'keep access until you disconnect',
    },
    // A token answer with an id token is a few KB.
    maxResponseBytes: 64 * 1024,
  },
  api: {
    // Each connection's own, from its environment URL; paths without a leading "/" (`contacts`) resolve under it.
    baseUrl: '{environmentUrl}/api/data/v9.2',
    errorRules: {
      errorCodePath: ['error', 'code'],
      errorMessagePath: ['error', 'message'],
      rules: [
        // Service protection (MS api-limits.md), per user and web server over a sliding 5 minutes: each 429 carries a
        // Retry-After, which wins; the reasons say which limit it was.
        { status: 429, code: '0x80072322', kind: 'rate_limited', reason: 'request limit reached (6,000 per 5 minutes)' },
        { status: 429, code: '0x80072321', kind: 'rate_limited', reason: 'execution time limit reached (20 minutes per 5 minutes)' },
        { status: 429, code: '0x80072326', kind: 'rate_limited', wait: { fixedMs: 1_000 }, reason: 'concurrent request limit reached' },
        // "Perform a full sync", whatever the status (undocumented): the sync turns its run into a full one.
        { code: EXPIRED_DELTA_TOKEN, kind: 'permanent', reason: 'change-tracking token expired' },
      ],
      rateLimitBackoff: { baseMs: 2_000, capMs: 5 * 60_000 },
      // The window is five minutes: a longer hint is a mistake.
      maxRateLimitWaitMs: 10 * 60_000,
      // A column the environment lacks, or one its security hides: "Could not find a property named 'x' on type …".
      fieldErrors: [{ status: 400, code: '0x80060888' }],
    },
    pageSize: 1000,
    // The modifiedon fallback re-reads this much: a row's timestamp is taken before its transaction commits.
    incrementalLookbackMs: 10_000,
    // Dataverse ends a request after two minutes itself.
    requestTimeoutMs: 130_000,
    // Per worker process; Dataverse allows 52 concurrent requests per user and web server.
    maxConcurrentRequests: 8,
    // 1,000 rows of the selected columns are a few MB at most.
    maxResponseBytes: 32 * 1024 * 1024,
  },
  accountIdentity: {
    noun: 'organization',
    // The environment's organization: WhoAmI under the API base (MS webapi/use-web-api-functions.md).
    lookup: { from: 'api', path: 'WhoAmI', field: 'OrganizationId' },
  },
  actions: dynamicsActions,
  syncs: [dynamicsContactsSync, dynamicsAccountsSync],
  unifiedModels: dynamicsUnifiedModels,
};
