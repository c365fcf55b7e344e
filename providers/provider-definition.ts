// The shape of a provider catalog entry: everything provider-specific the engine needs, as data, plus its syncs.
import type { QuotaPolicy } from '../sync-engine/quota-guard';
import type { ActionDefinition } from '../sync/define-action';
import type { ProviderErrorRules } from '../sync/error-rules';
import type { SyncDefinition } from '../sync/sync-definition';
import type { UnifiedModelMapping } from '../unified-model/unified-mapping';
import type { ProviderWebhooks } from './provider-webhooks';

export type TokenLifetime =
  /** The token response says how long the access token lives (`expires_in`, seconds). */
  | { source: 'expires_in' }
  /**
   * The token response does not say (Salesforce): ask the introspection endpoint, relative to the token URL's
   * origin, and fall back to the customer's usual session lifetime if it cannot tell.
   */
  | { source: 'introspection'; introspectionPath: string; fallbackSeconds: number };

/**
 * A provider with several data centres behind one OAuth app (Zoho): the callback's `queryParameter` names the origin
 * of the customer's token host (`https://accounts.zoho.eu`). It must pass the provider's host rules and be a token
 * host of one of `dataCentres`; otherwise the callback is refused (an error page) before the code goes anywhere. It
 * replaces the origin of `tokenUrl` for the code exchange, is stored with the connection's credentials (`tokenHost`)
 * and is where every later refresh goes. The API base URL a token answer names (`apiBaseUrlField`) must then be an
 * API host of the same data centre: an accounts server of one region never hands out another region's API domain.
 * A callback without the parameter uses the integration's token URL, paired the same way.
 */
export interface TokenHostFromCallback {
  queryParameter: string;
  /**
   * Each data centre's token hosts and API hosts, as host patterns (see `ProviderDefinition.hosts`). A pattern belongs
   * to one data centre only. Under a development policy that allows loopback (sandboxes), a loopback host is its own
   * data centre: a token host and an API base on the same loopback address pair, whatever their ports.
   */
  dataCentres: { name: string; tokenHosts: string[]; apiHosts: string[] }[];
}

export interface ProviderOAuth {
  /** May name connect inputs as `{name}` (see `ProviderDefinition.connectInputs`), as `tokenUrl` may. */
  authorizationUrl: string;
  tokenUrl: string;
  /** May name connect inputs as `{name}` (see `ProviderDefinition.connectInputs`). */
  defaultScopes: string[];
  /**
   * A refresh names the scopes again (the integration's, connect inputs filled in). The Microsoft identity platform
   * needs it: one refresh token mints access tokens for whichever resource a refresh names, so a refresh without
   * the environment's scope would get a token for another resource. Absent: refreshes name no scope (RFC 6749).
   */
  scopeOnRefresh?: boolean;
  /**
   * Extra parameters of the authorize URL, as the provider names them (Salesforce: `prompt: 'consent'`, so a customer
   * always sees and approves the consent page instead of an already-approved app passing silently).
   */
  authorizationParams?: Record<string, string>;
  /**
   * How the app proves itself to the token endpoint (RFC 6749 §2.3.1). `form` (the default): `client_id` and
   * `client_secret` in the form body. `basic`: an HTTP Basic `Authorization` header, and neither in the body
   * (Pipedrive takes nothing else).
   */
  clientAuthentication?: 'form' | 'basic';
  /** How long before expiry a token is refreshed proactively. */
  refreshMarginSeconds: number;
  tokenLifetime: TokenLifetime;
  /**
   * The token-answer field that names this connection's own API base URL: Salesforce's `instance_url`, Pipedrive's
   * and Zoho's `api_domain`. It must pass the provider's host rules (an answer naming another host is refused whole),
   * it is kept when a refresh answer leaves it out, and every API call of the connection goes there. Absent:
   * `api.baseUrl` (or the integration's `apiBaseUrl`).
   */
  apiBaseUrlField?: string;
  /**
   * The OAuth callback names the token host this customer signed in at (Zoho's `accounts-server`,
   * `https://accounts.zoho.eu`): one app, several data centres, each with its own accounts server and API domain.
   * See TokenHostFromCallback.
   */
  tokenHostFromCallback?: TokenHostFromCallback;
  /** How the authorize URL's `scope` joins several scopes: RFC 6749's space (the default), or Zoho's comma. */
  scopeSeparator?: ' ' | ',';
  /** How the token endpoint words a refusal; absent: RFC 6749's `{error, error_description}` and `invalid_grant`. */
  tokenErrors?: TokenErrorConvention;
  /**
   * What each scope lets the app do, in words the customer understands, for the connect screen ("read your records
   * such as contacts"). A scope missing here is shown as is.
   */
  scopeDescriptions: Record<string, string>;
  /** A token answer longer than this is refused unread: token answers are a few hundred bytes. */
  maxResponseBytes: number;
}

/**
 * The connected account's id (a Salesforce org, a HubSpot portal), so provider webhooks find the account's
 * connections and a re-authorisation into another account is noticed. Read from the token answer when it says
 * (`tokenAnswer`), else asked with the access token (`lookup`); null when neither tells, and asked again at the next
 * sign-in or refresh. One rule, read by one fetcher (oauth/account-identity.ts) at sign-in, at refresh and when a
 * connection is created with tokens.
 */
export interface AccountIdentity {
  /** What the customer calls the account, for messages: "organization", "portal". */
  noun: string;
  /** A token-answer field (text or integer); `pattern`, when given, takes its named group `accountId`. */
  tokenAnswer?: { field: string; pattern?: RegExp };
  /**
   * A GET answering JSON with the id in `field`, a dot path into the answer (Zoho's `org.0.id`). `path` is resolved,
   * as every API path is, against the connection's API base (`api`; `/x` on its origin, `x` under its path) or the
   * token URL's origin (`token-url`, a host that already receives the client secret), and must stay on that origin.
   * Where `path` holds `{accessToken}` the token travels there (a token-info endpoint); otherwise in the
   * `Authorization` header, with the provider's scheme.
   */
  lookup?: {
    from: 'api' | 'token-url';
    path: string;
    /** A dot path when the answer wraps it: Pipedrive's `/api/v1/users/me` answers `{"data": {"company_id": …}}`. */
    field: string;
  };
}

/**
 * Where a token endpoint's error body keeps its code and message, and which codes mean the refresh token or code is
 * dead (the customer must reconnect). HubSpot's v1 endpoint answers `{"status": "BAD_REFRESH_TOKEN", "message": …}`.
 */
export interface TokenErrorConvention {
  codeField: string;
  messageField: string;
  invalidGrantCodes: string[];
  /**
   * The endpoint also refuses with HTTP 200 (Zoho: `200 {"error": "invalid_code"}`): a 2xx answer without an access
   * token that names a code is then read as a refusal, not as a provider fault.
   */
  refusesWithOk?: boolean;
  /**
   * Codes that mean "not now" rather than "no": a refusal to retry later, not to reconnect for (Zoho's `Access Denied`
   * when more than 10 access tokens were minted from one refresh token within 10 minutes).
   */
  transientCodes?: string[];
}

export interface ProviderApi {
  /**
   * Fixed API base for providers without a per-connection one (`oauth.apiBaseUrlField`). It may name connect inputs
   * (`{environmentUrl}/api/data/v9.2`): each connection's base is then filled in from its own inputs when it is made.
   * It may have a path: a request path without a leading `/` (`contacts`, a relative reference) resolves under it
   * (`…/api/data/v9.2/contacts`), one with a leading `/` against its origin, as for every provider; next-page links
   * must keep its origin either way.
   */
  baseUrl?: string;
  /**
   * The scheme of the `Authorization` header API calls carry the access token in: `Bearer` (the default), Zoho's
   * `Zoho-oauthtoken`. Syncs, actions, the proxy and the account lookup all send it.
   */
  authorizationScheme?: string;
  errorRules: ProviderErrorRules;
  pageSize: number;
  requestTimeoutMs: number;
  /**
   * An incremental run starts reading this far before its cursor: a change can become visible after later ones
   * (a long transaction commits with an earlier timestamp). Records re-read this way are unchanged and not announced.
   */
  incrementalLookbackMs?: number;
  /**
   * At most this many requests to the provider in flight from one worker process, across all its connections, so
   * one connection's big sync cannot starve the others (and the provider's concurrency limits are respected).
   */
  maxConcurrentRequests: number;
  /** A daily allowance the provider reports on every answer: syncs pause before spending all of it. */
  quota?: QuotaPolicy;
  /** A page (or error) body longer than this is refused before it is all in memory. */
  maxResponseBytes: number;
}

/**
 * A value the connect screen asks the customer for before sign-in (Dynamics: the environment URL), because the
 * sign-in itself depends on it. Checked before anything is spent (a refusal is a 400 naming it, on the page or in the
 * API's answer), kept with the pending sign-in, and stored on the connection in plain (it is no secret; GET
 * /connections/:id shows it). `{name}` in `oauth.defaultScopes` (and an integration's scopes),
 * `oauth.authorizationUrl`/`tokenUrl` and `api.baseUrl` is replaced by the connection's value: Dynamics asks for
 * `environmentUrl` (`https://<org>.crm.dynamics.com`), its scope is `{environmentUrl}/.default offline_access` and
 * its API base `{environmentUrl}/api/data/v9.2`. `POST /connect-sessions` may pre-fill it and `POST /connections`
 * (a connection made with a refresh token) must give it, in `connectInputs`.
 */
export interface ConnectInput {
  /** Letters and digits, starting with a lower-case letter: `environmentUrl`. */
  name: string;
  /** The connect screen's label: "Your Dynamics 365 environment URL". */
  label: string;
  /**
   * `url`: an http(s) URL with nothing after its host (no path but `/`, no query, fragment or credentials), on
   * `hosts`; stored as its origin (`https://contoso.crm.dynamics.com`). https only, but for loopback in development
   * stacks (the provider's URL policy decides, as for every URL).
   */
  kind: 'url';
  /** Shown in the empty field; must itself pass the rules (the catalog checks it, and its own URLs with it filled in). */
  example: string;
  /**
   * The hosts it may name, in the catalog's pattern syntax: narrower than the provider's (Dynamics' environments,
   * not its sign-in host). Each must be one of the provider's own hosts as well. Absent: the provider's hosts.
   */
  hosts?: string[];
}

/**
 * One provider as the engine knows it. Every provider-specific fact is a field here, read by generic engine code that
 * names no provider, so a provider is its folder (`providers/<name>/`: this entry, its syncs, actions, unified
 * mappings and webhook parsing), its sandbox, and one line in providers/catalog.ts. What the next providers bring,
 * and where it goes:
 * - an API host per connection, named by the token answer (Pipedrive's and Zoho's `api_domain`): `oauth.apiBaseUrlField`;
 * - HTTP Basic client authentication at the token endpoint (Pipedrive): `oauth.clientAuthentication`;
 * - refusals inside HTTP 200 (Zoho's `{"error": "invalid_code"}`): `oauth.tokenErrors.refusesWithOk`;
 * - another Authorization scheme (Zoho's `Zoho-oauthtoken`): `api.authorizationScheme`;
 * - webhooks proven by HTTP Basic credentials (Pipedrive) or a body token (Zoho) equal to the integration's webhook
 *   secret: `webhooks.authentication` `{ by: 'webhook-secret', presentedAs }` (the integration's view shows them);
 * - deletes that lists never show, reported by webhooks (Pipedrive): `ChangeNotice.deletedId`, checked by the sync's
 *   `confirmDeletes`; and a full read every so often that finds the ones no webhook reported: `fullResyncEvery`;
 * - two rate limits answered alike, told apart by a header (Pipedrive's daily budget and burst window): an error
 *   rule's `header`, and `ignoreResetHeaders` when the reset header describes the other limit;
 * - a wrapped account-identity answer (`{"data": {"company_id": …}}`): a dot path in `accountIdentity.lookup.field`;
 * - lists of objects in a record (Pipedrive's `emails: [{value, primary, label}]`): a unified list rule's `each`;
 * - the accounts server the OAuth callback names (Zoho's `accounts-server`): `oauth.tokenHostFromCallback`, with each data centre's token and API hosts;
 * - a value asked before sign-in that shapes the scope and API base (Dynamics' environment URL): `connectInputs`;
 * - an API base with a path, requests relative to it (Dynamics' `…/api/data/v9.2`): `api.baseUrl`;
 * - scopes named again on refresh (the Microsoft identity platform): `oauth.scopeOnRefresh`.
 * test/support/papyrus/ is a provider that exists only in tests and uses the implemented ones.
 */
export interface ProviderDefinition {
  key: string;
  displayName: string;
  /**
   * The only hosts its tokens, client secrets and refresh tokens may be sent to (authorization, token and API URLs,
   * instance URLs from token answers, next-page links): `api.example.com`, `*.example.com` (any name below, not the
   * bare domain), `api-*.example.com` (one label). Operators may add hosts; loopback only in development stacks.
   */
  hosts: string[];
  oauth: ProviderOAuth;
  api: ProviderApi;
  accountIdentity: AccountIdentity;
  /** Change notifications the provider sends to `POST /provider-webhooks/…`; absent when it sends none. */
  webhooks?: ProviderWebhooks;
  /** Asked on the connect screen before sign-in (see ConnectInput). */
  connectInputs?: ConnectInput[];
  /** Writes the app can run through POST /connections/:id/actions/:name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action has its own input and output types
  actions?: ActionDefinition<any, any>[];
  syncs: SyncDefinition[];
  /** The unified models (crm.contacts, …) this provider's models read as, each a field mapping of one of its syncs. */
  unifiedModels?: UnifiedModelMapping[];
}
