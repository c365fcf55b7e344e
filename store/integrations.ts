// Stores integrations: a provider plus the product team's OAuth app registered with it (client secret sealed).
import { MongoServerError, type Db } from 'mongodb';
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
  createdAt: Date;
  updatedAt: Date;
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
      createdAt: now,
      updatedAt: now,
    };
    try {
      await this.collection.insertOne(doc);
    } catch (error) {
      if (error instanceof MongoServerError && error.code === 11000) {
        throw new AppError('conflict', `integration "${input.key}" already exists`);
      }
      throw error;
    }
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

  /** For the token client only: the OAuth app's credentials in clear. */
  /** Re-seals, under the current key, every client secret sealed under an older one; repeatable, like the connections'. */
  async resealStale(): Promise<number> {
    let resealed = 0;
    const stale = this.collection.find({ 'clientSecret.keyId': { $ne: this.cipher.currentKeyId } }, { projection: { clientSecret: 1 } });
    for await (const doc of stale) {
      const context = `integration:${doc._id}`;
      const clientSecret = this.cipher.seal(this.cipher.open<string>(doc.clientSecret, context), context);
      const result = await this.collection.updateOne({ _id: doc._id, 'clientSecret.iv': doc.clientSecret.iv }, { $set: { clientSecret } });
      resealed += result.modifiedCount;
    }
    return resealed;
  }

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
