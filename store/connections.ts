// Stores connections: one customer account of one integration, its sealed credentials, schedule and incremental cursors.
import { randomUUID } from 'node:crypto';
import type { Db } from 'mongodb';
import { insertOrConflict } from './duplicate-key';
import type { ConnectionWorkflowStatus as ConnectionStatus } from '../contracts/connection-workflow-messages';
import { AppError } from '../errors/app-error';
import type { CredentialCipher, SealedSecret } from '../security/credential-cipher';
import type { Checkpoint } from '../sync/checkpoint';
import { COLLECTIONS } from './database';
import type { RunSummary } from './sync-runs';
import { WriteLeases } from './write-leases';

export type { ConnectionWorkflowStatus as ConnectionStatus } from '../contracts/connection-workflow-messages';

/** The secret part of a connection; lives only sealed in MongoDB and in activity memory. */
export interface ConnectionCredentials {
  accessToken: string | null;
  refreshToken: string;
  instanceUrl: string | null;
  /**
   * The origin of the token host the refresh token belongs to, when the OAuth callback named one (a data centre's
   * accounts server, see `oauth.tokenHostFromCallback`): every refresh goes there. Null or absent: the integration's.
   */
  tokenHost?: string | null;
}

export interface ModelSchedule {
  frequency: string;
  frequencyMs: number;
  /** Where the next incremental run starts: the last checkpoint of the last successful run. */
  cursor: Checkpoint | null;
  nextRunAt: Date | null;
  lastRunId: string | null;
  /** Paused by the app (absent: not paused). */
  paused?: boolean;
  /** When the model's run in flight began; null or absent: none in flight. Lets lists show runs without reading them. */
  runningSince?: Date | null;
  /** How the model's last finished run ended; absent until one ends (or for runs before this was kept). */
  lastRunStatus?: 'succeeded' | 'failed';
  /** That run as lists show it, written with its end: a list of connections reads no run unless one is in flight. */
  lastFinishedRun?: RunSummary;
}

/** The last health scan's finding about a connection's workflow (see api/connection-health.ts), kept for lists. */
export interface StoredHealth {
  state: 'ok' | 'stuck' | 'unknown';
  cause: 'workflow_task_failing' | 'activity_failing' | 'workflow_not_running' | null;
  reason: string | null;
  since: Date | null;
  checkedAt: Date;
}

export interface CredentialState {
  /** Bumped on every stored refresh; lets the workflow tell a stale 401 from a fresh one. */
  generation: number;
  expiresAt: Date | null;
  refreshedAt: Date | null;
  refreshCount: number;
  lastError: string | null;
  /**
   * Set before a refresh request goes out, cleared when its answer is stored or when the provider refused it: if it is
   * still set when the next refresh starts, an earlier request may have been answered (and, with rotation, spent the
   * stored refresh token) without the answer ever being stored.
   */
  refreshStartedAt?: Date | null;
}

export interface ConnectionDocument {
  _id: string;
  integration: string;
  provider: string;
  status: ConnectionStatus;
  statusReason: string | null;
  statusUntil: Date | null;
  credentials: SealedSecret;
  credentialState: CredentialState;
  syncs: Record<string, ModelSchedule>;
  /** Paused by the app: no runs, no refreshes (absent: not paused). */
  paused?: boolean;
  /** The app's own JSON about this connection, returned as is. */
  metadata?: Record<string, unknown> | null;
  /** Fields this connection reads on top of its models' own and its integration's, by model (absent: none). */
  fields?: Record<string, string[]>;
  /** What the customer gave before sign-in (ConnectInput: Dynamics' environment URL); no secret. Absent: none. */
  connectInputs?: Record<string, string>;
  /**
   * The provider's id of the customer's account (Salesforce org id, HubSpot portal id), learned at connect: from the
   * browser sign-in's token answer, or from the provider's userinfo after `POST /connections`. How a provider's
   * change notification finds its connection, and what a re-authorisation must sign into again (another account is
   * refused unless explicitly allowed). Null or absent: not known yet.
   */
  providerAccountId?: string | null;
  /**
   * This life of a connection id that was used before: records, feeds and runs are written under it, so what the
   * deleted connection's last slice writes late never shows in the one created again with the same id. Absent on an
   * id's first life (and on connections created before incarnations existed): its data keeps plain keys, which a
   * worker of an earlier release, still running during a rolling deploy, writes too.
   */
  incarnation?: string;
  /** The last refresh a proxied 401 forced (see `claimForcedRefresh`); absent: none yet. */
  forcedRefresh?: { generation: number; at: Date };
  /** Written by the API's health scan when it changes; absent: never scanned. */
  health?: StoredHealth;
  createdAt: Date;
  updatedAt: Date;
}

/** What `PATCH /connections/:id` changes, already validated against the provider's models. */
export interface ConnectionUpdate {
  paused?: boolean;
  metadata?: Record<string, unknown> | null;
  /** Replaces the extra fields of each model named; an empty list removes the model's. */
  fields?: Record<string, string[]>;
  addModels?: Record<string, { frequency: string; frequencyMs: number }>;
  removeModels?: string[];
  models?: Record<string, { frequency?: string; frequencyMs?: number; paused?: boolean }>;
}

export type Connection = Omit<ConnectionDocument, '_id' | 'credentials'> & { connectionId: string };

export interface NewConnection {
  connectionId: string;
  integration: string;
  provider: string;
  providerAccountId?: string | null;
  credentials: ConnectionCredentials;
  syncs: Record<string, { frequency: string; frequencyMs: number }>;
  fields?: Record<string, string[]>;
  connectInputs?: Record<string, string>;
}

const sealContext = (connectionId: string) => `connection:${connectionId}`;

const newIncarnation = () => randomUUID().replaceAll('-', '').slice(0, 16);

/** A connection id that was deleted at least once: created again, it gets an incarnation (see ConnectionDocument). */
interface RetiredConnectionId {
  _id: string;
  retiredAt: Date;
}

export class ConnectionRepository {
  private readonly collection;
  private readonly retired;
  private readonly leases;

  constructor(db: Db, private readonly cipher: CredentialCipher) {
    this.collection = db.collection<ConnectionDocument>(COLLECTIONS.connections);
    this.retired = db.collection<RetiredConnectionId>(COLLECTIONS.retiredConnectionIds);
    this.leases = new WriteLeases(db, COLLECTIONS.connectionWriteLeases);
  }

  /**
   * Every update of a connection goes through here: the workflow, its runs and the API write one connection at once,
   * and FerretDB 1.24 would let a stale write put back what another replaced (an account change, new credentials) and
   * pass two compare-and-sets of one value (see WriteLeases). On MongoDB each update is atomic already: no lease.
   */
  private async writing<T>(connectionId: string, write: () => Promise<T>): Promise<T> {
    return this.leases.whereNeeded(connectionId, write);
  }

  async create(input: NewConnection): Promise<Connection> {
    const now = new Date();
    const syncs: Record<string, ModelSchedule> = {};
    for (const [model, schedule] of Object.entries(input.syncs)) {
      syncs[model] = { ...schedule, cursor: null, nextRunAt: now, lastRunId: null };
    }
    const doc: ConnectionDocument = {
      _id: input.connectionId,
      integration: input.integration,
      provider: input.provider,
      providerAccountId: input.providerAccountId ?? null,
      incarnation: newIncarnation(),
      status: 'active',
      statusReason: null,
      statusUntil: null,
      credentials: this.cipher.seal(input.credentials, sealContext(input.connectionId)),
      credentialState: { generation: 1, expiresAt: null, refreshedAt: null, refreshCount: 0, lastError: null, refreshStartedAt: null },
      syncs,
      ...(input.fields && Object.keys(input.fields).length > 0 ? { fields: input.fields } : {}),
      ...(input.connectInputs && Object.keys(input.connectInputs).length > 0 ? { connectInputs: input.connectInputs } : {}),
      createdAt: now,
      updatedAt: now,
    };
    await insertOrConflict(this.collection, doc, `connection "${input.connectionId}"`);
    // Looked up after the insert, not before: a delete of the id's previous life retires the id before it removes that
    // connection, so an insert that succeeded comes after the retirement and sees it. Nothing reads the connection
    // before create returns (its workflow starts after), so a first life never writes under the incarnation drawn.
    // Drawn before the insert and dropped after, not the other way round: a create cut short in between errs on the
    // fenced side.
    if (!(await this.retired.findOne({ _id: input.connectionId }))) {
      await this.writing(input.connectionId, () => this.collection.updateOne({ _id: input.connectionId, incarnation: doc.incarnation }, { $unset: { incarnation: '' } }));
      delete doc.incarnation;
    }
    return toConnection(doc);
  }

  async find(connectionId: string): Promise<Connection | null> {
    const doc = await this.collection.findOne({ _id: connectionId }, { projection: { credentials: 0 } });
    return doc ? toConnection(doc as ConnectionDocument) : null;
  }

  async get(connectionId: string): Promise<Connection> {
    const found = await this.find(connectionId);
    if (!found) throw AppError.notFound('connection', connectionId);
    return found;
  }

  async list(filter: { integration?: string; status?: ConnectionStatus }, limit: number): Promise<Connection[]> {
    const query: Record<string, unknown> = {};
    if (filter.integration) query.integration = filter.integration;
    // `paused` is the app's flag, not a status the workflow stores (see the connection view).
    if (filter.status === 'paused') query.paused = true;
    else if (filter.status) Object.assign(query, { status: filter.status, paused: { $ne: true } });
    const docs = await this.collection.find(query, { projection: { credentials: 0 } }).sort({ _id: 1 }).limit(limit).toArray();
    return docs.map((d) => toConnection(d as ConnectionDocument));
  }

  /** Applies an update with one `$set`/`$unset`; model names are validated identifiers, safe in dotted paths. */
  async update(connectionId: string, update: ConnectionUpdate): Promise<Connection> {
    const set: Record<string, unknown> = { updatedAt: new Date() };
    const unset: Record<string, ''> = {};
    if (update.paused !== undefined) set.paused = update.paused;
    if (update.metadata !== undefined) set.metadata = update.metadata;
    for (const [model, names] of Object.entries(update.fields ?? {})) {
      if (names.length > 0) set[`fields.${model}`] = names;
      else unset[`fields.${model}`] = '';
    }
    for (const [model, schedule] of Object.entries(update.addModels ?? {})) {
      set[`syncs.${model}`] = { ...schedule, cursor: null, nextRunAt: new Date(), lastRunId: null, paused: false };
    }
    for (const model of update.removeModels ?? []) unset[`syncs.${model}`] = '';
    for (const [model, change] of Object.entries(update.models ?? {})) {
      for (const [field, value] of Object.entries(change)) if (value !== undefined) set[`syncs.${model}.${field}`] = value;
    }
    const result = await this.writing(connectionId, () => this.collection.updateOne({ _id: connectionId }, { $set: set, ...(Object.keys(unset).length ? { $unset: unset } : {}) }));
    if (result.matchedCount === 0) throw AppError.notFound('connection', connectionId);
    return this.get(connectionId);
  }

  async delete(connectionId: string): Promise<boolean> {
    await this.retired.updateOne({ _id: connectionId }, { $set: { retiredAt: new Date() } }, { upsert: true });
    return (await this.collection.deleteOne({ _id: connectionId })).deletedCount === 1;
  }

  /**
   * Re-seals, under the current key, every connection's credentials sealed under an older one; returns how many, and
   * the ids of those no configured key opens (left as they are, so one lost key does not stop the others). Safe to
   * repeat and to interrupt: only stale ones are touched, and a write that raced a refresh (which seals under the
   * current key anyway) changes nothing.
   */
  async resealStale(): Promise<{ resealed: number; unopenable: string[] }> {
    let resealed = 0;
    const unopenable: string[] = [];
    const stale = this.collection.find({ 'credentials.keyId': { $ne: this.cipher.currentKeyId } }, { projection: { credentials: 1 } });
    for await (const doc of stale) {
      const context = sealContext(doc._id);
      let credentials: SealedSecret;
      try {
        credentials = this.cipher.seal(this.cipher.open<ConnectionCredentials>(doc.credentials, context), context);
      } catch {
        unopenable.push(doc._id);
        continue;
      }
      const result = await this.writing(doc._id, () => this.collection.updateOne({ _id: doc._id, 'credentials.iv': doc.credentials.iv }, { $set: { credentials } }));
      resealed += result.modifiedCount;
    }
    return { resealed, unopenable };
  }

  async readCredentials(connectionId: string): Promise<{ generation: number; credentials: ConnectionCredentials }> {
    const doc = await this.collection.findOne({ _id: connectionId }, { projection: { credentials: 1, credentialState: 1 } });
    if (!doc) throw AppError.notFound('connection', connectionId);
    return {
      generation: doc.credentialState.generation,
      credentials: this.cipher.open<ConnectionCredentials>(doc.credentials, sealContext(connectionId)),
    };
  }

  /**
   * Stores refreshed credentials only if nobody stored newer ones since `basedOnGeneration` was read
   * (compare-and-set), and returns the new generation.
   */
  async storeRefreshedCredentials(
    connectionId: string,
    basedOnGeneration: number,
    credentials: ConnectionCredentials,
    expiresAt: Date | null,
  ): Promise<number> {
    const now = new Date();
    const result = await this.writing(connectionId, () =>
      this.collection.findOneAndUpdate(
        { _id: connectionId, 'credentialState.generation': basedOnGeneration },
        {
          $set: {
            credentials: this.cipher.seal(credentials, sealContext(connectionId)),
            'credentialState.expiresAt': expiresAt,
            'credentialState.refreshedAt': now,
            'credentialState.lastError': null,
            'credentialState.refreshStartedAt': null,
            updatedAt: now,
          },
          $inc: { 'credentialState.generation': 1, 'credentialState.refreshCount': 1 },
        },
        // No projection: FerretDB 1.24 does not implement findAndModify's `fields`, and the document is small.
        { returnDocument: 'after' },
      ),
    );
    if (!result) {
      throw new AppError('conflict', `credentials of connection "${connectionId}" changed while refreshing`);
    }
    return result.credentialState.generation;
  }

  /** Write-ahead for a refresh; see `CredentialState.refreshStartedAt`. Keeps the earliest unfinished start. */
  async markRefreshStarted(connectionId: string, generation: number): Promise<void> {
    await this.writing(connectionId, () =>
      this.collection.updateOne(
        { _id: connectionId, 'credentialState.generation': generation, 'credentialState.refreshStartedAt': null },
        { $set: { 'credentialState.refreshStartedAt': new Date() } },
      ),
    );
  }

  /** The provider answered the refresh with a refusal: nothing was issued, so nothing can have been lost. */
  async clearRefreshStarted(connectionId: string, generation: number): Promise<void> {
    await this.writing(connectionId, () =>
      this.collection.updateOne(
        { _id: connectionId, 'credentialState.generation': generation },
        { $set: { 'credentialState.refreshStartedAt': null } },
      ),
    );
  }

  /** For providers whose token answer does not say when it expires: learned after the tokens are safely stored. */
  async setCredentialExpiry(connectionId: string, generation: number, expiresAt: Date | null): Promise<void> {
    await this.writing(connectionId, () =>
      this.collection.updateOne(
        { _id: connectionId, 'credentialState.generation': generation },
        { $set: { 'credentialState.expiresAt': expiresAt } },
      ),
    );
  }

  /**
   * Recorded once the provider has said which account a token belongs to; only while none is recorded (null matches
   * an absent field too), so a lookup never moves a connection bound by a sign-in to another account. With
   * `generation`, also only while the credentials the account was learned from are still the stored ones (a
   * re-authorisation meanwhile may be into another account). True when it was recorded.
   */
  async setProviderAccountId(connectionId: string, providerAccountId: string, learnedFrom: { generation?: number } = {}): Promise<boolean> {
    const filter: Record<string, unknown> = { _id: connectionId, providerAccountId: null };
    if (learnedFrom.generation !== undefined) filter['credentialState.generation'] = learnedFrom.generation;
    const result = await this.writing(connectionId, () => this.collection.updateOne(filter, { $set: { providerAccountId, updatedAt: new Date() } }));
    return result.modifiedCount === 1;
  }

  /** The connections of an integration that belong to one provider account (usually one; a reconnect under a new id makes two). */
  async findByProviderAccount(integration: string, providerAccountId: string): Promise<Connection[]> {
    const docs = await this.collection.find({ integration, providerAccountId }, { projection: { credentials: 0 } }).limit(100).toArray();
    return docs.map((d) => toConnection(d as ConnectionDocument));
  }

  async setStatus(connectionId: string, status: ConnectionStatus, reason: string | null, until: Date | null = null): Promise<void> {
    await this.writing(connectionId, () =>
      this.collection.updateOne(
        { _id: connectionId },
        { $set: { status, statusReason: reason, statusUntil: until, updatedAt: new Date() } },
      ),
    );
  }

  async recordCredentialError(connectionId: string, message: string): Promise<void> {
    await this.writing(connectionId, () => this.collection.updateOne({ _id: connectionId }, { $set: { 'credentialState.lastError': message, updatedAt: new Date() } }));
  }

  /**
   * A run succeeded: its cursor becomes the model's, and (one write for both) when the model runs next. With `fence`,
   * only while the connection is still in the life the run began in (the run's incarnation; none for a first life):
   * a run of an account the connection has since moved away from must not hand its cursor to the new one.
   */
  async commitCursor(
    connectionId: string,
    model: string,
    cursor: Checkpoint | null,
    runId: string,
    nextRunAt?: Date | null,
    fence?: { incarnation: string | undefined },
    finishedRun?: RunSummary,
  ): Promise<void> {
    const next = nextRunAt === undefined ? {} : { [`syncs.${model}.nextRunAt`]: nextRunAt };
    const life = fence ? { incarnation: fence.incarnation ?? { $exists: false } } : {};
    await this.writing(connectionId, () =>
      this.collection.updateOne(
        { _id: connectionId, ...life },
        {
          $set: {
            [`syncs.${model}.cursor`]: cursor,
            [`syncs.${model}.lastRunId`]: runId,
            ...next,
            // In the same write: what lists show about the model's runs costs a scheduled run nothing more.
            [`syncs.${model}.lastRunStatus`]: 'succeeded',
            [`syncs.${model}.runningSince`]: null,
            ...(finishedRun ? { [`syncs.${model}.lastFinishedRun`]: finishedRun } : {}),
            updatedAt: new Date(),
          },
        },
      ),
    );
  }

  async setNextRunAt(connectionId: string, model: string, nextRunAt: Date | null): Promise<void> {
    await this.writing(connectionId, () => this.collection.updateOne({ _id: connectionId }, { $set: { [`syncs.${model}.nextRunAt`]: nextRunAt } }));
  }

  /** A run failed: when the model runs next, and (in the same write) that its last run failed, for lists. */
  async recordRunFailed(connectionId: string, model: string, nextRunAt: Date | null, failedRun?: RunSummary): Promise<void> {
    await this.writing(connectionId, () =>
      this.collection.updateOne(
        { _id: connectionId },
        {
          $set: {
            [`syncs.${model}.nextRunAt`]: nextRunAt,
            [`syncs.${model}.lastRunStatus`]: 'failed',
            [`syncs.${model}.runningSince`]: null,
            ...(failedRun ? { [`syncs.${model}.lastFinishedRun`]: failedRun } : {}),
          },
        },
      ),
    );
  }

  /** A run began; `startedAt` also tells lists the model is running, since when. */
  async setLastRun(connectionId: string, model: string, runId: string, startedAt = new Date()): Promise<void> {
    await this.writing(connectionId, () => this.collection.updateOne({ _id: connectionId }, { $set: { [`syncs.${model}.lastRunId`]: runId, [`syncs.${model}.runningSince`]: startedAt } }));
  }

  /** The health scan's finding, written only when it changed (the scan compares); null removes it. */
  async setHealth(connectionId: string, health: StoredHealth | null): Promise<void> {
    await this.writing(connectionId, () => this.collection.updateOne({ _id: connectionId }, health ? { $set: { health } } : { $unset: { health: '' } }));
  }

  /**
   * Every connection, without credentials, for the API's connection directory (api/console/connection-directory.ts):
   * one read of the whole collection, which is what FerretDB does for any query that is not an equality anyway.
   */
  scanAll(): AsyncIterable<Connection> {
    const cursor = this.collection.find({}, { projection: { credentials: 0 } });
    return (async function* () {
      for await (const doc of cursor) yield toConnection(doc as ConnectionDocument);
    })();
  }

  /**
   * Whether a proxied 401 met with credentials of `generation` may ask the workflow for a refresh: `granted` to one
   * caller, never twice for one generation and at most once per `minIntervalMs` per connection, decided by one
   * compare-and-set so it holds across API processes. `newer`: newer credentials are stored already. `pending`: another
   * request was granted this generation less than `pendingForMs` ago, so its refresh is worth waiting for. `refused`:
   * too soon after the last forced refresh.
   */
  async claimForcedRefresh(
    connectionId: string,
    generation: number,
    { minIntervalMs, pendingForMs }: { minIntervalMs: number; pendingForMs: number },
  ): Promise<'granted' | 'newer' | 'pending' | 'refused'> {
    const now = new Date();
    const claimed = await this.writing(connectionId, () =>
      this.collection.updateOne(
        {
          _id: connectionId,
          'credentialState.generation': generation,
          'forcedRefresh.generation': { $ne: generation },
          $or: [{ forcedRefresh: { $exists: false } }, { 'forcedRefresh.at': { $lte: new Date(now.getTime() - minIntervalMs) } }],
        },
        { $set: { forcedRefresh: { generation, at: now } } },
      ),
    );
    if (claimed.modifiedCount === 1) return 'granted';
    const doc = await this.collection.findOne({ _id: connectionId }, { projection: { credentialState: 1, forcedRefresh: 1 } });
    if (!doc) throw AppError.notFound('connection', connectionId);
    if (doc.credentialState.generation > generation) return 'newer';
    const forced = doc.forcedRefresh;
    return forced?.generation === generation && now.getTime() - forced.at.getTime() < pendingForMs ? 'pending' : 'refused';
  }

  /**
   * The customer authorised again (the browser connect flow): new credentials replace the old ones whatever their
   * generation, and the connection leaves auth_error. Returns the new generation, for the workflow's signal.
   */
  /**
   * Stores the credentials of a re-authorisation. `account.id` (when the sign-in named one) is recorded; unless
   * `account.expected` is undefined, the write happens only while the stored account is still `expected` (null:
   * none recorded), so two re-authorisations racing cannot slip another account past the caller's check. Null when
   * that condition failed.
   */
  async replaceCredentials(
    connectionId: string,
    credentials: ConnectionCredentials,
    expiresAt: Date | null,
    account: { id: string | null; expected?: string | null } = { id: null },
    startOver?: { models: string[] },
    connectInputs?: Record<string, string>,
  ): Promise<number | null> {
    const now = new Date();
    const filter: Record<string, unknown> = { _id: connectionId };
    if (account.expected !== undefined) filter.providerAccountId = account.expected;
    // Another account's data must not mix with the old one's: a new life (incarnation), so its records, feeds and
    // runs are keyed apart from everything before, and every model reads from no cursor again, now.
    const newLife: Record<string, unknown> = {};
    if (startOver) {
      newLife.incarnation = newIncarnation();
      for (const model of startOver.models) Object.assign(newLife, { [`syncs.${model}.cursor`]: null, [`syncs.${model}.lastRunId`]: null, [`syncs.${model}.nextRunAt`]: now });
    }
    const result = await this.writing(connectionId, () =>
      this.collection.findOneAndUpdate(
        filter,
        {
          $set: {
            ...newLife,
            ...(account.id !== null ? { providerAccountId: account.id } : {}),
            // The sign-in was made with these (its scope, its API base): they go with the credentials.
            ...(connectInputs && Object.keys(connectInputs).length > 0 ? { connectInputs } : {}),
            credentials: this.cipher.seal(credentials, sealContext(connectionId)),
            'credentialState.expiresAt': expiresAt,
            'credentialState.lastError': null,
            // A refresh of the old grant may be in flight; it can no longer store (its generation is stale), so no write-ahead.
            'credentialState.refreshStartedAt': null,
            status: 'active',
            statusReason: null,
            statusUntil: null,
            updatedAt: now,
          },
          $inc: { 'credentialState.generation': 1 },
        },
        // No projection: FerretDB 1.24 does not implement findAndModify's `fields`, and the document is small.
        { returnDocument: 'after' },
      ),
    );
    if (!result) {
      if (account.expected !== undefined && (await this.find(connectionId))) return null;
      throw AppError.notFound('connection', connectionId);
    }
    return result.credentialState.generation;
  }
}

function toConnection(doc: ConnectionDocument): Connection {
  const { _id, credentials: _sealed, ...rest } = doc;
  return { connectionId: _id, ...rest };
}
