// Stores action executions: input, outcome and the write-ahead mark that makes a retried write check before writing.
import type { Db } from 'mongodb';
import { isDuplicateKey } from './duplicate-key';
import { AppError } from '../errors/app-error';
import { COLLECTIONS } from './database';

export type ActionStatus = 'running' | 'succeeded' | 'failed';

/** Why an action failed: `provider_refused` (the provider said no: 422), `auth_error`, or `outcome_unknown`. */
export interface ActionError {
  code: 'provider_refused' | 'auth_error' | 'outcome_unknown' | 'failed';
  message: string;
}

export interface ActionDocument {
  /** Derived from the connection, its life and the Idempotency-Key (see `actionIdOf`). */
  _id: string;
  connectionId: string;
  /**
   * The connection's life the action was made in: null for the id's first life (ConnectionDocument.incarnation
   * absent), absent on actions stored before actions recorded it. A running action of another life is stopped.
   */
  incarnation?: string | null;
  name: string;
  idempotencyKey: string;
  input: unknown;
  status: ActionStatus;
  output: unknown;
  error: ActionError | null;
  /**
   * Set just before the provider is asked to write: an attempt that finds it set knows an earlier attempt may have
   * written without the answer being stored (a killed worker), and checks before writing again.
   */
  writeStartedAt: Date | null;
  createdAt: Date;
  finishedAt: Date | null;
}

export type Action = Omit<ActionDocument, '_id'> & { actionId: string };

export class ActionRepository {
  private readonly collection;

  constructor(db: Db) {
    this.collection = db.collection<ActionDocument>(COLLECTIONS.actions);
  }

  /** Inserts the action, or returns the one this key already made (`created` false). */
  async createOrFind(input: Omit<ActionDocument, 'status' | 'output' | 'error' | 'writeStartedAt' | 'createdAt' | 'finishedAt'>): Promise<{ created: boolean; action: Action }> {
    const doc: ActionDocument = { ...input, status: 'running', output: null, error: null, writeStartedAt: null, createdAt: new Date(), finishedAt: null };
    try {
      await this.collection.insertOne(doc);
      return { created: true, action: toAction(doc) };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
      return { created: false, action: await this.get(input._id) };
    }
  }

  async find(actionId: string): Promise<Action | null> {
    const doc = await this.collection.findOne({ _id: actionId });
    return doc ? toAction(doc) : null;
  }

  async get(actionId: string): Promise<Action> {
    const found = await this.find(actionId);
    if (!found) throw AppError.notFound('action', actionId);
    return found;
  }

  /** Keeps the earliest mark: the check before a retry must look back to the first write that may have happened. */
  async markWriteStarted(actionId: string, at = new Date()): Promise<void> {
    await this.collection.updateOne({ _id: actionId, writeStartedAt: null }, { $set: { writeStartedAt: at } });
  }

  /** The provider refused before executing (401, 429): nothing was written by this attempt. */
  async clearWriteStarted(actionId: string, unlessBefore: Date): Promise<void> {
    await this.collection.updateOne({ _id: actionId, writeStartedAt: { $gte: unlessBefore } }, { $set: { writeStartedAt: null } });
  }

  /** First outcome wins: a repeated activity cannot overwrite a stored result. */
  async finish(actionId: string, outcome: { status: 'succeeded'; output: unknown } | { status: 'failed'; error: ActionError }): Promise<Action> {
    await this.collection.updateOne(
      { _id: actionId, status: 'running' },
      { $set: { status: outcome.status, output: outcome.status === 'succeeded' ? outcome.output : null, error: outcome.status === 'failed' ? outcome.error : null, finishedAt: new Date() } },
    );
    return this.get(actionId);
  }

  /**
   * The newest actions of one life of a connection id: a later life's by its incarnation, an id's first life's those
   * without one (null, or absent from before actions recorded it).
   */
  async listForConnection(life: { connectionId: string; incarnation?: string }, limit: number): Promise<Action[]> {
    // Another life's are rare (a deleted life's late writes): read a few more than asked, then keep this life's.
    const docs = await this.collection.find({ connectionId: life.connectionId }).sort({ createdAt: -1 }).limit(limit * 2).toArray();
    return docs
      .filter((doc) => (life.incarnation ? doc.incarnation === life.incarnation : typeof doc.incarnation !== 'string'))
      .slice(0, limit)
      .map(toAction);
  }

  async deleteForConnection(connectionId: string): Promise<void> {
    await this.collection.deleteMany({ connectionId });
  }
}

function toAction(doc: ActionDocument): Action {
  const { _id, ...rest } = doc;
  return { actionId: _id, ...rest };
}
