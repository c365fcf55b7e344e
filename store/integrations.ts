// Stores integrations: a provider plus the product team's OAuth app registered with it (client secret sealed).
import type { Db } from 'mongodb';
import { insertOrConflict } from './duplicate-key';
import { AppError } from '../errors/app-error';
import type { CredentialCipher, SealedSecret } from '../security/credential-cipher';
import { COLLECTIONS } from './database';

export interface IntegrationDocument {
  _id: string;
  provider: string;
  clientId: string;
  clientSecret: SealedSecret;
  scopes: string[];
  authorizationUrl: string;
  tokenUrl: string;
  /** The API host when it is the same for every customer; null when each connection has its own (Salesforce). */
  apiBaseUrl: string | null;
  /** Fields read on top of each model's own, by model (`["Tier__c"]`, or `["*"]` for every readable field). */
  fields?: Record<string, string[]>;
  /** Sealed; in the provider-webhook URL of providers whose notifications carry no signature (Salesforce). */
  webhookSecret?: SealedSecret;
  /** The secret before the last rotation, still accepted until `validUntil` so each org's endpoint can be moved meanwhile. */
  previousWebhookSecret?: { secret: SealedSecret; validUntil: Date } | null;
  createdAt: Date;
  updatedAt: Date;
}

/** The provider-webhook URL secrets in clear: the current one, and the one before it while it is still accepted. */
export interface WebhookSecrets {
  /** Null for an integration made before URL secrets existed, until its first rotation. */
  current: string | null;
  previous: { secret: string; validUntil: Date } | null;
}

/** What an integration looks like outside the store: never the secret. */
export interface Integration {
  key: string;
  provider: string;
  clientId: string;
  scopes: string[];
  authorizationUrl: string;
  tokenUrl: string;
  /** The API host when it is the same for every customer; null when each connection has its own (Salesforce). */
  apiBaseUrl: string | null;
  /** Fields read on top of each model's own, by model (`["Tier__c"]`, or `["*"]` for every readable field). */
  fields: Record<string, string[]>;
  createdAt: Date;
  updatedAt: Date;
}

export interface NewIntegration {
  key: string;
  provider: string;
  clientId: string;
  clientSecret: string;
  scopes: string[];
  authorizationUrl: string;
  tokenUrl: string;
  /** The API host when it is the same for every customer; null when each connection has its own (Salesforce). */
  apiBaseUrl: string | null;
  fields?: Record<string, string[]>;
  /** For providers whose webhooks are unsigned: the secret their webhook URL carries. */
  webhookSecret?: string;
}

/** What `PATCH /integrations/:key` may change; absent fields stay as they are. */
export interface IntegrationChanges {
  clientId?: string;
  clientSecret?: string;
  scopes?: string[];
  authorizationUrl?: string;
  tokenUrl?: string;
  apiBaseUrl?: string | null;
  fields?: Record<string, string[]>;
}

export class IntegrationRepository {
  private readonly collection;

  constructor(db: Db, private readonly cipher: CredentialCipher) {
    this.collection = db.collection<IntegrationDocument>(COLLECTIONS.integrations);
  }

  async create(input: NewIntegration): Promise<Integration> {
    const now = new Date();
    const doc: IntegrationDocument = {
      _id: input.key,
      provider: input.provider,
      clientId: input.clientId,
      clientSecret: this.cipher.seal(input.clientSecret, `integration:${input.key}`),
      scopes: input.scopes,
      authorizationUrl: input.authorizationUrl,
      tokenUrl: input.tokenUrl,
      apiBaseUrl: input.apiBaseUrl,
      fields: input.fields ?? {},
      ...(input.webhookSecret === undefined ? {} : { webhookSecret: this.cipher.seal(input.webhookSecret, webhookSecretContext(input.key)) }),
      createdAt: now,
      updatedAt: now,
    };
    await insertOrConflict(this.collection, doc, `integration "${input.key}"`);
    return toIntegration(doc);
  }

  async find(key: string): Promise<Integration | null> {
    const doc = await this.collection.findOne({ _id: key });
    return doc ? toIntegration(doc) : null;
  }

  async get(key: string): Promise<Integration> {
    const found = await this.find(key);
    if (!found) throw AppError.notFound('integration', key);
    return found;
  }

  async list(): Promise<Integration[]> {
    return (await this.collection.find({}).sort({ _id: 1 }).toArray()).map(toIntegration);
  }

  /** Applies the changes; a new client secret is sealed like the first. Returns the integration as it now is. */
  async update(key: string, changes: IntegrationChanges): Promise<Integration> {
    const { clientSecret, ...plain } = changes;
    const $set: Partial<IntegrationDocument> = { ...plain, updatedAt: new Date() };
    if (clientSecret !== undefined) $set.clientSecret = this.cipher.seal(clientSecret, `integration:${key}`);
    const doc = await this.collection.findOneAndUpdate({ _id: key }, { $set }, { returnDocument: 'after' });
    if (!doc) throw AppError.notFound('integration', key);
    return toIntegration(doc);
  }

  /** Removes the integration; the caller checks first that no connection uses it. */
  async delete(key: string): Promise<void> {
    const { deletedCount } = await this.collection.deleteOne({ _id: key });
    if (deletedCount === 0) throw AppError.notFound('integration', key);
  }

  /**
   * Re-seals, under the current key, every client secret and webhook URL secret sealed under an older one; repeatable,
   * like the connections'. Counts integrations, not secrets. Like the connections', it goes on past an integration
   * whose secrets no configured key opens, returning its key among `unopenable` (that integration is left as it is).
   */
  async resealStale(): Promise<{ resealed: number; unopenable: string[] }> {
    const currentKeyId = this.cipher.currentKeyId;
    let resealed = 0;
    const unopenable: string[] = [];
    const stale = this.collection.find(
      {
        $or: [
          { 'clientSecret.keyId': { $ne: currentKeyId } },
          { webhookSecret: { $exists: true }, 'webhookSecret.keyId': { $ne: currentKeyId } },
          { 'previousWebhookSecret.secret': { $exists: true }, 'previousWebhookSecret.secret.keyId': { $ne: currentKeyId } },
        ],
      },
      { projection: { clientSecret: 1, webhookSecret: 1, previousWebhookSecret: 1 } },
    );
    for await (const doc of stale) {
      const reseal = (sealed: SealedSecret, context: string) => this.cipher.seal(this.cipher.open<string>(sealed, context), context);
      // Every secret's iv is in the filter: a rotation or a new client secret meanwhile is never overwritten.
      const filter: Record<string, unknown> = { _id: doc._id, 'clientSecret.iv': doc.clientSecret.iv };
      const $set: Record<string, SealedSecret> = {};
      try {
        if (doc.clientSecret.keyId !== currentKeyId) $set.clientSecret = reseal(doc.clientSecret, `integration:${doc._id}`);
        if (doc.webhookSecret) {
          filter['webhookSecret.iv'] = doc.webhookSecret.iv;
          if (doc.webhookSecret.keyId !== currentKeyId) $set.webhookSecret = reseal(doc.webhookSecret, webhookSecretContext(doc._id));
        }
        if (doc.previousWebhookSecret) {
          filter['previousWebhookSecret.secret.iv'] = doc.previousWebhookSecret.secret.iv;
          if (doc.previousWebhookSecret.secret.keyId !== currentKeyId) $set['previousWebhookSecret.secret'] = reseal(doc.previousWebhookSecret.secret, webhookSecretContext(doc._id));
        }
      } catch {
        unopenable.push(doc._id);
        continue;
      }
      const result = await this.collection.updateOne(filter, { $set });
      resealed += result.modifiedCount;
    }
    return { resealed, unopenable };
  }

  /** For the provider-webhook route and the integration's own view only; null when the integration does not exist. */
  async webhookSecrets(key: string): Promise<WebhookSecrets | null> {
    const doc = await this.collection.findOne({ _id: key }, { projection: { webhookSecret: 1, previousWebhookSecret: 1 } });
    if (!doc) return null;
    const context = webhookSecretContext(key);
    return {
      current: doc.webhookSecret ? this.cipher.open<string>(doc.webhookSecret, context) : null,
      previous: doc.previousWebhookSecret
        ? { secret: this.cipher.open<string>(doc.previousWebhookSecret.secret, context), validUntil: doc.previousWebhookSecret.validUntil }
        : null,
    };
  }

  /**
   * Puts a new webhook URL secret in place; the current one stays accepted until `previousValidUntil` (a time already
   * past: not at all), and any older one stops. A compare-and-set: of two rotations at once, one is refused.
   */
  async rotateWebhookSecret(key: string, secret: string, previousValidUntil: Date, now = new Date()): Promise<void> {
    const doc = await this.collection.findOne({ _id: key }, { projection: { webhookSecret: 1 } });
    if (!doc) throw AppError.notFound('integration', key);
    const previousWebhookSecret = doc.webhookSecret && previousValidUntil > now ? { secret: doc.webhookSecret, validUntil: previousValidUntil } : null;
    const result = await this.collection.updateOne(
      { _id: key, ...(doc.webhookSecret ? { 'webhookSecret.iv': doc.webhookSecret.iv } : { webhookSecret: { $exists: false } }) },
      { $set: { webhookSecret: this.cipher.seal(secret, webhookSecretContext(key)), previousWebhookSecret, updatedAt: now } },
    );
    if (result.modifiedCount === 0) throw new AppError('conflict', `integration "${key}": its webhook secret was rotated by another request at the same time; read it again`);
  }

  /** For the token client only: the OAuth app's credentials in clear. */
  async getClientCredentials(key: string): Promise<{ clientId: string; clientSecret: string; tokenUrl: string }> {
    const doc = await this.collection.findOne({ _id: key });
    if (!doc) throw AppError.notFound('integration', key);
    return {
      clientId: doc.clientId,
      clientSecret: this.cipher.open<string>(doc.clientSecret, `integration:${key}`),
      tokenUrl: doc.tokenUrl,
    };
  }
}

/** Bound into the sealed webhook secret, so it opens only on its own integration (and never as a client secret). */
function webhookSecretContext(key: string): string {
  return `integration-webhook:${key}`;
}

function toIntegration(doc: IntegrationDocument): Integration {
  return {
    key: doc._id,
    provider: doc.provider,
    clientId: doc.clientId,
    scopes: doc.scopes,
    authorizationUrl: doc.authorizationUrl,
    tokenUrl: doc.tokenUrl,
    // Integrations registered before the field existed use the provider's host.
    apiBaseUrl: doc.apiBaseUrl ?? null,
    fields: doc.fields ?? {},
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt ?? doc.createdAt,
  };
}
