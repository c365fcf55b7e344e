// The shape of a provider catalog entry: everything provider-specific the engine needs, as data, plus its syncs.
import type { ActionDefinition } from '../sync/define-action';
import type { ProviderErrorRules } from '../sync/error-rules';
import type { QuotaPolicy } from '../sync/quota-guard';
import type { SyncDefinition } from '../sync/sync-definition';
import type { UnifiedModelMapping } from '../sync/unified-mapping';

export type TokenLifetime =
  /** The token response says how long the access token lives (`expires_in`, seconds). */
  | { source: 'expires_in' }
  /**
   * The token response does not say (Salesforce): ask the introspection endpoint, relative to the token URL's
   * origin, and fall back to the customer's usual session lifetime if it cannot tell.
   */
  | { source: 'introspection'; introspectionPath: string; fallbackSeconds: number };

export interface ProviderOAuth {
  authorizationUrl: string;
  tokenUrl: string;
  defaultScopes: string[];
  /**
   * Extra parameters of the authorize URL, as the provider names them (Salesforce: `prompt: 'consent'`, so a customer
   * always sees and approves the consent page instead of an already-approved app passing silently).
   */
  authorizationParams?: Record<string, string>;
  /** How long before expiry a token is refreshed proactively. */
  refreshMarginSeconds: number;
  tokenLifetime: TokenLifetime;
  /** Token-response field with the per-customer API host (Salesforce's `instance_url`); absent: `api.baseUrl`. */
  instanceUrlField?: string;
  /** How the token endpoint words a refusal; absent: RFC 6749's `{error, error_description}` and `invalid_grant`. */
  tokenErrors?: TokenErrorConvention;
  /** Where the id of the customer's account (a Salesforce org, a HubSpot portal) is read at sign-in. */
  accountId: AccountIdSource;
  /**
   * What each scope lets the app do, in words the customer understands, for the connect screen ("read your records
   * such as contacts"). A scope missing here is shown as is.
   */
  scopeDescriptions: Record<string, string>;
  /** A token answer longer than this is refused unread: token answers are a few hundred bytes. */
  maxResponseBytes: number;
}

/**
 * The connected account's id, so a re-authorisation into another account is noticed. Read from a token-response
 * field (`pattern`, when given, takes the named group `accountId` out of it); when the field is absent and `lookup`
 * is given, from a JSON answer of `GET <token URL origin><path>` where `{accessToken}` stands for the new token.
 */
export interface AccountIdSource {
  /** What the customer calls the account, for messages: "organization", "portal". */
  noun: string;
  tokenField: string;
  pattern?: RegExp;
  lookup?: { path: string; field: string };
}

/**
 * Where a token endpoint's error body keeps its code and message, and which codes mean the refresh token or code is
 * dead (the customer must reconnect). HubSpot's v1 endpoint answers `{"status": "BAD_REFRESH_TOKEN", "message": …}`.
 */
export interface TokenErrorConvention {
  codeField: string;
  messageField: string;
  invalidGrantCodes: string[];
}

export interface ProviderApi {
  /** Fixed API host for providers without a per-customer instance URL. */
  baseUrl?: string;
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
 * How the provider names the customer account behind a token (Salesforce org id, HubSpot portal id), asked once at
 * connect: change notifications name the account, never our connection.
 */
export interface AccountIdentity {
  /** Relative to the connection's API base; `{accessToken}` is replaced by the token (HubSpot's token-info endpoint). */
  path: string;
  /** The field of the JSON answer that holds the account id. */
  field: string;
}

/**
 * What the provider's change notifications look like to us: which model an event's object type belongs to.
 * HubSpot names types `contact`/`company` (subscriptionType `contact.propertyChange`); Salesforce sObjects `Contact`.
 */
export interface ChangeNotifications {
  kind: 'hubspot-webhooks' | 'salesforce-outbound-messages';
  modelsByObjectType: Record<string, string>;
}

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
  accountIdentity?: AccountIdentity;
  changeNotifications?: ChangeNotifications;
  /** Writes the app can run through POST /connections/:id/actions/:name. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- each action has its own input and output types
  actions?: ActionDefinition<any, any>[];
  syncs: SyncDefinition[];
  /** The unified models (crm.contacts, …) this provider's models read as, each a field mapping of one of its syncs. */
  unifiedModels?: UnifiedModelMapping[];
}
