// What a provider's incoming webhooks are to the engine: how a delivery proves it is the provider's, how big it may be,
// how its body reads as changes, and what the provider wants back. Provider-neutral: each provider folder fills it in.

/** One change a provider announced: the shape every provider's webhook body is read into. */
export interface ChangeNotice {
  /** The provider account it happened in (the account id the catalog entry's `accountIdentity` reads): how its connections are found. */
  account: string;
  /** The provider's object type, mapped to a model by `modelsByObjectType`. */
  objectType: string;
  /** What a redelivery or a replay of the same notification repeats: remembered to act on each only once. */
  notificationId: string;
  /**
   * The id of a record the notice says was deleted, for a provider whose lists never show deleted records (so the run
   * the notice starts cannot see it): kept until the next run of its model applies it, after asking the provider
   * (see SyncDefinition.confirmDeletes). Absent for any other change.
   */
  deletedId?: string;
}

/** What the engine answers once a delivery is handled (or found to be a repeat). */
export interface WebhookAnswer {
  status: number;
  contentType?: string;
  body?: string;
}

/** A delivery as the provider's check sees it, once its (size-capped) body is read. */
export interface WebhookDelivery {
  method: string;
  /** The full URL the provider called, as it saw it: the API's public URL, path and query. */
  uri: string;
  rawBody: Buffer;
  header(name: string): string | undefined;
}

/**
 * How a delivery proves it comes from the provider. The engine fetches only the secret the kind names, and a check
 * returns null when the delivery is authentic, otherwise why not (logged and sent back: it must name no secret).
 * - `url-secret`: the provider signs nothing, so the URL carries the integration's random webhook secret; the engine
 *   compares it (in constant time) before a byte of the body is read.
 * - `client-secret`: the provider signs each delivery with the app's client secret (an HMAC of the body).
 * - `webhook-secret`: the delivery carries the integration's webhook secret itself (HTTP Basic credentials, a token
 *   in the body or a header). `secrets` is the current one and, during a rotation's grace period, the previous one;
 *   compare in constant time (security/webhook-url-secret.ts). The secret is made when the integration is created and
 *   rotated with `rotateWebhookUrl`, like a URL secret; `presentedAs` says how the operator registers it at the
 *   provider, and the integration's own view (`providerWebhook.credentials`) shows it so.
 */
export type WebhookAuthentication =
  | { by: 'url-secret' }
  | { by: 'client-secret'; authenticate(delivery: WebhookDelivery, clientSecret: string): string | null }
  | { by: 'webhook-secret'; presentedAs: WebhookSecretPresentation; authenticate(delivery: WebhookDelivery, secrets: readonly string[]): string | null };

/** What an operator registers at the provider for deliveries that carry the integration's webhook secret. */
export type WebhookSecretPresentation =
  /** HTTP Basic credentials chosen when the webhook is registered (Pipedrive): this user name, the secret as password. */
  | { kind: 'http-basic'; username: string }
  /** A token the provider sends back in every delivery (Zoho's `token`): the secret itself. */
  | { kind: 'token' };

/** A provider's incoming webhooks: one value in its catalog entry, all the engine (api/) needs to receive them. */
export interface ProviderWebhooks {
  authentication: WebhookAuthentication;
  /** The most a delivery's body may be, counted after decompression: past it, reading stops and the answer is a 400. */
  maxBodyBytes: number;
  /** The changes a delivery announces; throws `AppError.invalid` (a 400 naming the field) for a body it cannot read. */
  parse(rawBody: Buffer): ChangeNotice[];
  /** The answer once the delivery is handled (or found to be a repeat). */
  accepted: WebhookAnswer;
  /** Which model an object type of a notice belongs to; other types are acknowledged and ignored. */
  modelsByObjectType: Record<string, string>;
}
