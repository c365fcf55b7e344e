// The connection stories: create one and start its workflow, describe it, ask it to sync now, delete it.
import { randomUUID } from 'node:crypto';
import type { SyncMode } from '../../contracts/activity-messages';
import type { ModelState } from '../../contracts/connection-workflow-messages';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import type { Connection, ConnectionCredentials } from '../../store/connections';
import type { Store } from '../../store/store';
import type { SyncRun } from '../../store/sync-runs';
import { parseDuration } from '../../sync/duration';
import type { z } from 'zod';
import type { ConnectionWorkflows } from '../connection-workflows';
import type { connection as connectionSchema, credentialState, syncRun } from '../schemas';

type CredentialState = z.output<typeof credentialState>;

export interface CreateConnectionInput {
  connectionId: string;
  integration: string;
  credentials: { refreshToken: string; accessToken?: string; instanceUrl?: string };
  syncs?: Record<string, { frequency: string }>;
  /** Known only from a browser sign-in; see `Connection.accountId`. */
  accountId?: string | null;
}

/** A create or delete holds its connection's lock at most this long if its process dies holding it. */
const LOCK_LEASE_MS = 60_000;
/** How long a create or delete waits for another one of the same connection to finish before answering 409. */
const LOCK_WAIT_MS = 20_000;

export class ConnectionUseCases {
  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
    private readonly workflows: ConnectionWorkflows,
  ) {}

  /** Creates run under the connection's lock, so a delete racing it never leaves a connection without its workflow. */
  async create(input: CreateConnectionInput): Promise<ConnectionView> {
    return this.exclusively(input.connectionId, () => this.createUnlocked(input));
  }

  private async createUnlocked(input: CreateConnectionInput): Promise<ConnectionView> {
    const integration = await this.store.integrations.find(input.integration);
    if (!integration) throw AppError.invalid('body.integration', `integration "${input.integration}" does not exist`);
    const provider = this.catalog.get(integration.provider);

    const syncs: Record<string, { frequency: string; frequencyMs: number }> = {};
    const requested = input.syncs ?? Object.fromEntries(provider.syncs.map((s) => [s.model, { frequency: s.defaultFrequency }]));
    for (const [model, { frequency }] of Object.entries(requested)) {
      if (!provider.syncs.some((s) => s.model === model)) {
        throw AppError.invalid(`body.syncs.${model}`, `${provider.displayName} has no model "${model}"`);
      }
      syncs[model] = { frequency, frequencyMs: parseDuration(frequency) as number };
    }
    if (Object.keys(syncs).length === 0) throw AppError.invalid('body.syncs', 'enable at least one model');

    const credentials: ConnectionCredentials = {
      refreshToken: input.credentials.refreshToken,
      accessToken: input.credentials.accessToken ?? null,
      instanceUrl: input.credentials.instanceUrl ?? null,
    };
    const connection = await this.store.connections.create({
      connectionId: input.connectionId,
      integration: integration.key,
      provider: provider.key,
      accountId: input.accountId ?? null,
      credentials,
      syncs,
    });
    const now = Date.now();
    const models: Record<string, ModelState> = {};
    for (const [model, schedule] of Object.entries(syncs)) {
      models[model] = { frequencyMs: schedule.frequencyMs, nextRunAt: now, activeRun: null, requestedMode: null };
    }
    try {
      await this.workflows.start({
        connectionId: connection.connectionId,
        integration: integration.key,
        provider: provider.key,
        models,
        credentials: { generation: connection.credentialState.generation, refreshAt: null },
        status: 'active',
        statusReason: null,
      });
    } catch (error) {
      // Without its workflow a connection would never sync: undo, so the client can simply retry.
      await this.store.connections.delete(connection.connectionId);
      throw new AppError('unavailable', `could not start the connection's workflow: ${(error as Error).message}`);
    }
    return this.describe(connection.connectionId);
  }

  /**
   * Ends the connection's workflow, then removes its runs, records, changes feeds and delivery history, and the
   * connection last: a delete that fails half-way leaves the connection there to delete again. Under the
   * connection's lock, so a racing create either comes before (and is deleted) or after (and starts afresh).
   * Runs go before records: a sync slice still running on a worker checks its run before writing each page.
   */
  async delete(connectionId: string): Promise<{ connectionId: string; deleted: true }> {
    return this.exclusively(connectionId, async () => {
      const connection = await this.store.connections.get(connectionId);
      await this.workflows.terminate(connectionId, 'connection deleted'); // false: already ended, nothing to stop
      await this.store.runs.deleteForConnection(connectionId);
      await this.store.records.deleteForConnection(connectionId, Object.keys(connection.syncs));
      await this.store.webhookDeliveries.deleteForConnection(connectionId);
      await this.store.connections.delete(connectionId);
      return { connectionId, deleted: true as const };
    });
  }

  private async exclusively<T>(connectionId: string, change: () => Promise<T>): Promise<T> {
    const holder = randomUUID();
    const deadline = Date.now() + LOCK_WAIT_MS;
    while (!(await this.store.connectionLocks.acquire(connectionId, holder, LOCK_LEASE_MS))) {
      if (Date.now() > deadline) {
        throw new AppError('conflict', `connection "${connectionId}" is being created or deleted by another request; retry`);
      }
      await new Promise((resolve) => setTimeout(resolve, 25 + Math.random() * 50));
    }
    try {
      return await change();
    } finally {
      await this.store.connectionLocks.release(connectionId, holder);
    }
  }

  async describe(connectionId: string): Promise<ConnectionView> {
    const connection = await this.store.connections.get(connectionId);
    const lastRuns = await this.store.runs.latestPerModel(connectionId, Object.keys(connection.syncs));
    return toConnectionView(connection, lastRuns);
  }

  async list(filter: { integration?: string; status?: Connection['status'] }, limit: number): Promise<ConnectionView[]> {
    const connections = await this.store.connections.list(filter, limit);
    return Promise.all(
      connections.map(async (c) => toConnectionView(c, await this.store.runs.latestPerModel(c.connectionId, Object.keys(c.syncs)))),
    );
  }

  async requestSync(connectionId: string, request: { models?: string[]; mode: SyncMode }): Promise<{ models: string[]; mode: SyncMode }> {
    const connection = await this.store.connections.get(connectionId);
    const models = request.models ?? Object.keys(connection.syncs);
    for (const model of models) {
      if (!connection.syncs[model]) throw AppError.invalid('body.models', `connection "${connectionId}" does not sync "${model}"`);
    }
    if (!(await this.workflows.requestSync(connectionId, { models, mode: request.mode }))) {
      throw new AppError('conflict', `connection "${connectionId}" has no running workflow`);
    }
    return { models, mode: request.mode };
  }
}

export type RunView = z.output<typeof syncRun>;

/** What the API answers for a connection: exactly the documented schema's type. */
export type ConnectionView = z.output<typeof connectionSchema>;

export function toRunView(run: SyncRun): RunView {
  return {
    runId: run.runId,
    model: run.model,
    mode: run.mode,
    status: run.status,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    durationMs: run.finishedAt ? run.finishedAt.getTime() - run.startedAt.getTime() : null,
    pages: run.pages,
    recordsRead: run.recordsRead,
    invalidRecords: run.invalidRecords,
    invalidSamples: run.invalidSamples ?? [],
    providerRequests: run.providerRequests,
    rateLimitWaits: run.rateLimitWaits ?? 0,
    attempts: run.attempts,
    // While running, the changes stored so far; a failed run reports what it changed before failing.
    added: run.outcome?.added ?? run.changes?.added ?? null,
    updated: run.outcome?.updated ?? run.changes?.updated ?? null,
    deleted: run.outcome?.deleted ?? run.changes?.deleted ?? null,
    error: run.error,
  };
}

function toConnectionView(connection: Connection, lastRuns: Record<string, SyncRun | null>): ConnectionView {
  const credentials = connection.credentialState;
  const state: CredentialState =
    connection.status === 'auth_error' ? 'invalid' : credentials.expiresAt && credentials.expiresAt.getTime() < Date.now() ? 'expired' : 'valid';
  return {
    connectionId: connection.connectionId,
    integration: connection.integration,
    provider: connection.provider,
    accountId: connection.accountId ?? null,
    status: connection.status,
    statusReason: connection.statusReason,
    statusUntil: connection.statusUntil,
    createdAt: connection.createdAt,
    credentials: {
      state,
      expiresAt: credentials.expiresAt,
      refreshedAt: credentials.refreshedAt,
      refreshCount: credentials.refreshCount,
      lastError: credentials.lastError,
    },
    syncs: Object.fromEntries(
      Object.entries(connection.syncs).map(([model, schedule]) => {
        const run = lastRuns[model];
        return [model, { frequency: schedule.frequency, nextRunAt: schedule.nextRunAt, lastRun: run ? toRunView(run) : null }];
      }),
    ),
  };
}
