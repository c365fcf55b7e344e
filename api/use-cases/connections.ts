// The connection stories: create one and start its workflow, describe it, ask it to sync now, delete it.
import { connectionHeadline } from '../connection-headline';
import type { SyncMode } from '../../contracts/sync-mode';
import type { ConnectionChange } from '../../contracts/connection-workflow-messages';
import type { WebhookEvent } from '../../contracts/webhook-events';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import { checkConnectInputs, ConnectInputError, connectionOAuthTargets, connectionOwnApiBase, type ConnectInputValues } from '../../providers/connect-inputs';
import type { ProviderDefinition } from '../../providers/provider-definition';
import { identifyAccount } from '../../oauth/account-identity';
import { removeConnectionData } from '../../store/connection-data';
import type { Connection, ConnectionCredentials, ConnectionUpdate } from '../../store/connections';
import type { Integration } from '../../store/integrations';
import type { Store } from '../../store/store';
import { isRunOfLife, type RunSummary } from '../../store/sync-runs';
import { parseDuration } from '../../contracts/duration';
import { connectionApiBaseUrl } from '../../security/connection-api-base-url';
import { checkedModelFields } from '../model-fields';
import { checkedConnectionTokenHost, checkProviderUrl } from '../provider-url-field';
import { connectionTokenUrl } from '../../oauth/token-host';
import { conflictAt, notFoundAt } from '../validation';
import type { z } from 'zod';
import type { ConnectionEvents } from '../connection-events';
import { matches, pageOf, rankOf, toDirectoryEntry, type ConnectionDirectory, type DirectoryFilter } from '../console/connection-directory';
import type { ConnectionHealth, ConnectionHealthReader } from '../connection-health';
import type { ConnectionWorkflows } from '../connection-workflows';
import { workflowStartState } from '../workflow-start-state';
import type { connection as connectionSchema, credentialState, syncRun, updateConnectionBody } from '../schemas';

type CredentialState = z.output<typeof credentialState>;

export type UpdateConnectionInput = z.output<typeof updateConnectionBody>;

export interface CreateConnectionInput {
  connectionId: string;
  integration: string;
  credentials: { refreshToken: string; accessToken?: string; instanceUrl?: string; tokenHost?: string };
  syncs?: Record<string, { frequency: string }>;
  /** Extra fields of this connection alone, by model (`{"contacts": ["Tier__c"]}`). */
  fields?: Record<string, string[]>;
  /** Known from a browser sign-in's token answer; else asked of the provider's userinfo once the workflow runs. */
  providerAccountId?: string | null;
  /**
   * What the provider asks before sign-in (ConnectInput), by name: unchecked from `POST /connections`, already checked
   * (`checked: true`) from a browser sign-in that used them.
   */
  connectInputs?: { values: Record<string, string>; checked: boolean };
}

/** How long a delete waits for the connection's workflow to stop its runs before terminating it. */
const DELETE_WAIT_MS = 30_000;
/** How long a create or delete waits for another one of the same connection to finish before answering 409. */
const LOCK_WAIT_MS = 20_000;
/** Temporal describes in flight at once for one list answer. */
const HEALTH_READS_AT_ONCE = 8;
/**
 * Rows (and their last runs) read by id at once for one list answer: a default page's all at once. Each is one indexed
 * lookup; FerretDB answers 50 of them in parallel in about 60 ms where one `$in` over the same ids scans the collection
 * (0.7–2 s at 10,000 connections), so a page is many lookups, not one query.
 */
const ROW_READS_AT_ONCE = 50;

/** Where a connection's workflow is: its id, and its page in the Temporal UI (null when the UI link is off). */
export interface ConnectionLinks {
  workflowId(connectionId: string): string;
  temporalUiUrl(connectionId: string): string | null;
}

export class ConnectionUseCases {
  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
    private readonly workflows: ConnectionWorkflows,
    private readonly health: ConnectionHealthReader,
    private readonly deleteWaitMs = DELETE_WAIT_MS,
    /** The event log's connection events; none: not logged (tests that build the use cases alone). */
    readonly events?: ConnectionEvents,
    private readonly links: ConnectionLinks = { workflowId: (id) => workflows.workflowId(id), temporalUiUrl: () => null },
    /** What lists filter and order by; none: lists read the database (and Temporal) per request, as before the console. */
    private readonly directory?: ConnectionDirectory,
  ) {}

  /** Creates run under the connection's lock, so a delete racing it never leaves a connection without its workflow. */
  async create(input: CreateConnectionInput, actor?: string | null): Promise<ConnectionView> {
    const view = await this.exclusively(input.connectionId, () => this.createUnlocked(input));
    await this.events?.record(input.connectionId, 'created', `connected to ${view.integration} (${view.provider})${view.accountId ? `, account ${view.accountId}` : ''}; models: ${Object.keys(view.syncs).join(', ')}`, {
      data: { integration: view.integration, provider: view.provider, accountId: view.accountId, models: Object.keys(view.syncs) },
      actor: actor ?? (input.providerAccountId !== undefined ? 'connect screen' : null),
    });
    return view;
  }

  private async createUnlocked(input: CreateConnectionInput): Promise<ConnectionView> {
    const integration = await this.store.integrations.find(input.integration);
    if (!integration) throw notFoundAt('body.integration', `integration "${input.integration}" does not exist`);
    const provider = this.catalog.get(integration.provider);

    const syncs: Record<string, { frequency: string; frequencyMs: number }> = {};
    const requested = input.syncs ?? Object.fromEntries(provider.syncs.map((s) => [s.model, { frequency: s.defaultFrequency }]));
    for (const [model, { frequency }] of Object.entries(requested)) {
      if (!provider.syncs.some((s) => s.model === model)) throw notFoundAt(`body.syncs.${model}`, `${provider.displayName} has no model "${model}"`);
      syncs[model] = { frequency, frequencyMs: parseDuration(frequency) as number };
    }
    if (Object.keys(syncs).length === 0) throw AppError.invalid('body.syncs', 'enable at least one model');
    const fields = checkedModelFields(provider, input.fields, { changing: false });

    // Every access token of this connection would be sent there: it must be one of the provider's hosts.
    if (input.credentials.instanceUrl !== undefined) checkProviderUrl(this.catalog, provider.key, 'body.credentials.instanceUrl', input.credentials.instanceUrl);
    const tokenHost = checkedConnectionTokenHost(this.catalog, provider, integration.tokenUrl, input.credentials);
    const connectInputs = input.connectInputs?.checked ? input.connectInputs.values : this.checkedConnectInputs(provider, input.connectInputs?.values ?? {});
    const credentials: ConnectionCredentials = {
      refreshToken: input.credentials.refreshToken,
      accessToken: input.credentials.accessToken ?? null,
      // A provider whose API base is a template (`{environmentUrl}/api/data/v9.2`): this connection's, from its inputs.
      instanceUrl: connectionOwnApiBase(input.credentials.instanceUrl, connectionOAuthTargets(provider, integration, connectInputs)),
      ...(tokenHost ? { tokenHost } : {}),
    };
    const connection = await this.store.connections.create({
      connectionId: input.connectionId,
      integration: integration.key,
      provider: provider.key,
      providerAccountId: input.providerAccountId ?? null,
      credentials,
      syncs,
      fields,
      connectInputs,
    });
    try {
      await this.workflows.start(workflowStartState(connection, connection.credentialState.generation));
    } catch (error) {
      // Without its workflow a connection would never sync: undo, so the client can simply retry.
      await this.store.connections.delete(connection.connectionId);
      throw new AppError('unavailable', `could not start the connection's workflow: ${(error as Error).message}`);
    }
    if (!connection.providerAccountId) await this.recordProviderAccount(connection.connectionId, credentials, integration, provider.key);
    return this.describe(connection.connectionId);
  }

  /** `POST /connections`' connect inputs, checked as the connect screen checks them: a refusal names the field. */
  private checkedConnectInputs(provider: ProviderDefinition, given: Record<string, string>): ConnectInputValues {
    try {
      return checkConnectInputs(provider, this.catalog.urlPolicy, given);
    } catch (error) {
      // A name the provider does not ask for is well-formed but wrong for this integration's provider: a conflict.
      if (error instanceof ConnectInputError) throw (error.notAsked ? conflictAt : AppError.invalid)(`body.connectInputs.${error.input}`, error.message);
      throw error;
    }
  }

  /**
   * Best effort: a connection whose account is unknown still syncs on its schedule, and learns its account at its
   * first token refresh (see refreshCredentials). Needs an access token to ask with; the request goes through the
   * provider's host rules and is read up to the token answers' byte limit, as every request carrying a token.
   */
  private async recordProviderAccount(connectionId: string, credentials: ConnectionCredentials, integration: Integration, providerKey: string): Promise<void> {
    const provider = this.catalog.get(providerKey);
    if (!credentials.accessToken) return;
    try {
      const accountId = await identifyAccount(provider.accountIdentity, {
        accessToken: credentials.accessToken,
        apiBaseUrl: connectionApiBaseUrl(credentials, integration, provider),
        tokenUrl: connectionTokenUrl(integration.tokenUrl, credentials.tokenHost),
        urlRules: this.catalog.urlRules(provider.key),
        maxResponseBytes: provider.oauth.maxResponseBytes,
        authorizationScheme: provider.api.authorizationScheme,
      });
      if (accountId !== null) await this.store.connections.setProviderAccountId(connectionId, accountId);
    } catch {
      // Left unknown; see above.
    }
  }

  /**
   * Asks the connection's workflow to stop: it cancels its runs and ends once none of them writes any more (or is
   * terminated if it does not end in time). Then its runs, records, changes feeds and delivery history go, and the
   * connection last: a delete that fails half-way leaves the connection there to delete again. Under the
   * connection's lock, so a racing create either comes before (and is deleted) or after (and starts afresh).
   */
  async delete(connectionId: string, actor?: string | null): Promise<{ connectionId: string; deleted: true }> {
    const deleted = await this.exclusively(connectionId, async () => {
      const connection = await this.store.connections.get(connectionId);
      await this.workflows.stopForDelete(connectionId, this.deleteWaitMs);
      await removeConnectionData(this.store, connectionId, Object.keys(connection.syncs));
      await this.store.connections.delete(connectionId);
      return { connectionId, deleted: true as const, integration: connection.integration };
    });
    // Its earlier events went with its data (removeConnectionData); this one stays, for the log's retention.
    await this.events?.record(connectionId, 'deleted', 'deleted: its workflow stopped, and its records, feeds, runs, deliveries and log removed', {
      level: 'warn',
      data: { integration: deleted.integration },
      actor,
    });
    return { connectionId, deleted: true };
  }

  /**
   * Stores the change first (so GET and a restarted workflow see it), then tells the running workflow, which applies
   * it at once. Every model named must exist at the provider; a model can be enabled after the connection was made.
   * A model it cannot take is a 409, not a 404: the connection is there, the change conflicts with what it is now.
   */
  async update(connectionId: string, body: UpdateConnectionInput, actor?: string | null): Promise<ConnectionView> {
    const connection = await this.store.connections.get(connectionId);
    const provider = this.catalog.get(connection.provider);
    // Stored only: the next run of each model sees its fields changed and reads everything once (beginSyncRun).
    const update: ConnectionUpdate = { paused: body.paused, metadata: body.metadata, fields: body.fields && checkedModelFields(provider, body.fields, { changing: true }) };
    const change: ConnectionChange = { paused: body.paused, models: {} };
    for (const [model, wanted] of Object.entries(body.syncs ?? {})) {
      const definition = provider.syncs.find((s) => s.model === model);
      if (!definition) throw conflictAt(`body.syncs.${model}`, `${provider.displayName} has no model "${model}"`);
      const current = Object.hasOwn(connection.syncs, model) ? connection.syncs[model] : undefined;
      const frequency = wanted.frequency ?? current?.frequency ?? definition.defaultFrequency;
      const frequencyMs = parseDuration(frequency) as number;
      if (wanted.enabled === false) {
        if (!current) continue;
        (update.removeModels ??= []).push(model);
        (change.models as NonNullable<ConnectionChange['models']>)[model] = { enabled: false };
      } else if (!current) {
        if (wanted.enabled !== true) throw conflictAt(`body.syncs.${model}`, `connection "${connectionId}" does not sync "${model}"; set enabled: true to add it`);
        (update.addModels ??= {})[model] = { frequency, frequencyMs };
        if (wanted.paused !== undefined) (update.models ??= {})[model] = { paused: wanted.paused };
        (change.models as NonNullable<ConnectionChange['models']>)[model] = { enabled: true, frequencyMs, paused: wanted.paused };
      } else {
        (update.models ??= {})[model] = { frequency: wanted.frequency, frequencyMs: wanted.frequency ? frequencyMs : undefined, paused: wanted.paused };
        (change.models as NonNullable<ConnectionChange['models']>)[model] = { enabled: true, frequencyMs: wanted.frequency ? frequencyMs : undefined, paused: wanted.paused };
      }
    }
    const remaining = Object.keys(connection.syncs).filter((m) => !update.removeModels?.includes(m)).length + Object.keys(update.addModels ?? {}).length;
    if (remaining === 0) throw conflictAt('body.syncs', 'a connection keeps at least one model; delete the connection instead');
    // Only the workflow writes the stored status (rate limits, degraded, auth_error); a paused connection is shown as
    // `paused` from its own flag, so the two writers never overwrite each other.
    await this.store.connections.update(connectionId, update);
    if (body.paused !== undefined || Object.keys(change.models ?? {}).length > 0) await this.workflows.change(connectionId, change);
    await this.logUpdate(connectionId, body, actor);
    return this.describe(connectionId);
  }

  /** What changed in words (names of models and fields; never the metadata's values, which the app owns). */
  private async logUpdate(connectionId: string, body: UpdateConnectionInput, actor?: string | null): Promise<void> {
    if (body.paused !== undefined) {
      await this.events?.record(connectionId, body.paused ? 'paused' : 'resumed', body.paused ? 'paused: no runs and no token refreshes until resumed' : 'resumed', { actor });
    }
    const parts: string[] = [];
    for (const [model, wanted] of Object.entries(body.syncs ?? {})) {
      const said = [
        wanted.enabled === false ? 'disabled' : wanted.enabled === true ? 'enabled' : null,
        wanted.frequency ? `every ${wanted.frequency}` : null,
        wanted.paused === true ? 'paused' : wanted.paused === false ? 'resumed' : null,
      ].filter(Boolean);
      if (said.length > 0) parts.push(`${model} ${said.join(', ')}`);
    }
    for (const [model, names] of Object.entries(body.fields ?? {})) parts.push(`${model} fields ${names.length > 0 ? names.join(', ') : 'removed'}`);
    if (body.metadata !== undefined) parts.push(body.metadata === null ? 'metadata removed' : 'metadata changed');
    if (parts.length > 0) await this.events?.record(connectionId, 'changed', `changed: ${parts.join('; ')}`, { data: { syncs: body.syncs ?? null, fields: body.fields ?? null, metadataChanged: body.metadata !== undefined }, actor });
  }

  /**
   * Runs `change` holding the connection's lock, the one creates and deletes take (re-authorisations too), so no two
   * of them interleave on one connection. Not re-entrant: `change` must not call `create` or `delete`.
   */
  async exclusively<T>(connectionId: string, change: () => Promise<T>): Promise<T> {
    return this.store.connectionLocks.exclusively(connectionId, change, {
      ms: LOCK_WAIT_MS,
      busy: () => new AppError('conflict', `connection "${connectionId}" is being created or deleted by another request; retry`),
    });
  }

  async describe(connectionId: string): Promise<ConnectionView> {
    const connection = await this.store.connections.get(connectionId);
    const models = Object.keys(connection.syncs);
    const [lastRuns, health, counts] = await Promise.all([
      this.store.runs.latestPerModel(connection, models),
      this.health.read(this.workflows.workflowId(connectionId)),
      // One connection's count per model (lists leave it out: a count per row would scan on FerretDB).
      Promise.all(models.map((model) => this.store.records.countLive({ connectionId, model, incarnation: connection.incarnation }))),
    ]);
    const recordCounts = Object.fromEntries(models.map((model, i) => [model, counts[i]]));
    return toConnectionView(connection, lastRuns, health, this.links, recordCounts);
  }

  /**
   * A page of connections, problems first then by id, filtered and searched in the connection directory (no scan per
   * request); each row is then read fresh by id, with its models' last runs by id and the health the last scan stored,
   * and dropped if it no longer matches (the directory lags a worker's changes by a few seconds at most).
   */
  async listPage(filter: DirectoryFilter, cursor: string | undefined, limit: number): Promise<{ connections: ConnectionView[]; nextCursor: string | null }> {
    if (!this.directory) throw new Error('listPage needs the connection directory');
    const after = cursor === undefined ? null : decodeListCursor(cursor);
    const { entries, more } = pageOf(await this.directory.ordered(), filter, after, limit);
    const rows = await mapAtMost(ROW_READS_AT_ONCE, entries, async (entry) => {
      const connection = await this.store.connections.find(entry.connectionId);
      if (!connection) {
        this.directory?.remove(entry.connectionId);
        return null;
      }
      this.directory?.put(connection);
      // Read fresh, it may no longer be what the directory matched it for: left out of the page.
      if (!matches(toDirectoryEntry(connection), filter)) return null;
      const lastRuns: Record<string, RunSummary | null> = {};
      for (const [model, schedule] of Object.entries(connection.syncs)) {
        const runId = schedule.lastRunId;
        // The last finished run is kept on the connection; only a run in flight (or one ended before that) is read.
        const run = runId === null ? null : schedule.lastFinishedRun?.runId === runId ? schedule.lastFinishedRun : await this.store.runs.find(runId);
        lastRuns[model] = run && isRunOfLife(run, connection) ? run : null;
      }
      return toConnectionView(connection, lastRuns, storedHealthOf(connection), this.links);
    });
    const last = entries.at(-1);
    return {
      connections: rows.filter((row): row is ConnectionView => row !== null),
      nextCursor: more && last ? encodeListCursor({ rank: rankOf(last), connectionId: last.connectionId }) : null,
    };
  }

  async list(filter: { integration?: string; status?: Connection['status'] }, limit: number): Promise<ConnectionView[]> {
    const connections = await this.store.connections.list(filter, limit);
    // One describe per connection (a list is at most a page), a few at a time.
    const health = await mapAtMost(HEALTH_READS_AT_ONCE, connections, (c) => this.health.read(this.workflows.workflowId(c.connectionId)));
    return Promise.all(
      connections.map(async (c, i) => toConnectionView(c, await this.store.runs.latestPerModel(c, Object.keys(c.syncs)), health[i], this.links)),
    );
  }

  /**
   * Sends one of the connection's webhook events again, as it was first sent (the metadata is read afresh, as at every
   * attempt): 404 when the event was never delivered for this connection, 409 when it was delivered before events were
   * kept for this.
   */
  async redeliver(connectionId: string, eventId: string, actor?: string | null): Promise<{ eventId: string; redelivering: true }> {
    const connection = await this.store.connections.get(connectionId);
    const sent = await this.store.webhookDeliveries.sentEvent(connection, eventId);
    if (!sent.attempted) throw AppError.notFound('webhook delivery', eventId);
    if (sent.event === undefined) {
      throw new AppError('conflict', `webhook event "${eventId}" was delivered before Tributary kept events for redelivery; it cannot be sent again`);
    }
    try {
      await this.workflows.redeliver(sent.event as WebhookEvent, connection.incarnation ?? null);
    } catch (error) {
      throw new AppError('unavailable', `Temporal did not start the redelivery: ${(error as Error).message}`);
    }
    await this.events?.record(connectionId, 'redelivery_requested', `webhook event ${eventId} is being sent again`, { data: { eventId }, actor });
    return { eventId, redelivering: true };
  }

  async requestSync(connectionId: string, request: { models?: string[]; mode: SyncMode }, actor?: string | null): Promise<{ models: string[]; mode: SyncMode }> {
    const connection = await this.store.connections.get(connectionId);
    const models = request.models ?? Object.keys(connection.syncs);
    for (const model of models) {
      // Own properties only: "constructor" is on every object's prototype, and must not reach the workflow as a model.
      if (!Object.hasOwn(connection.syncs, model)) throw conflictAt('body.models', `connection "${connectionId}" does not sync "${model}"; enable it first (PATCH syncs.${model}.enabled)`);
    }
    if (!(await this.workflows.requestSync(connectionId, { models, mode: request.mode }))) {
      throw new AppError('conflict', `connection "${connectionId}" has no running workflow`);
    }
    await this.events?.record(connectionId, 'sync_requested', `${request.mode === 'full' ? 'full resync' : 'sync'} requested: ${models.join(', ')}`, { data: { models, mode: request.mode }, actor });
    return { models, mode: request.mode };
  }
}

export type RunView = z.output<typeof syncRun>;

/** What the API answers for a connection: exactly the documented schema's type. */
export type ConnectionView = z.output<typeof connectionSchema>;

export function toRunView(run: RunSummary): RunView {
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
    missingFields: run.missingFields ?? [],
    fullReason: run.fullReason ?? null,
  };
}

/** `map` with at most `limit` calls in flight, results in input order. */
async function mapAtMost<T, R>(limit: number, items: T[], map: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const work = async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await map(items[i], i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, work));
  return results;
}

/** The last health scan's finding as the view shows health; `unknown` until a scan has looked at the connection. */
function storedHealthOf(connection: Connection): ConnectionHealth {
  const stored = connection.health;
  if (!stored) return { state: 'unknown', cause: null, reason: 'not scanned yet: the API scans connection health every TRIBUTARY_HEALTH_SCAN_SECONDS', since: null };
  return { state: stored.state, cause: stored.cause, reason: stored.reason, since: stored.since };
}

/** The rank (problems first) and id of the last row of the previous page: `3.acme`. */
function encodeListCursor(after: { rank: number; connectionId: string }): string {
  return `${after.rank}.${after.connectionId}`;
}

/** The schema admits only this shape (`query.cursor`), so any cursor that got here reads. */
function decodeListCursor(cursor: string): { rank: number; connectionId: string } {
  const dot = cursor.indexOf('.');
  return { rank: Number(cursor.slice(0, dot)), connectionId: cursor.slice(dot + 1) };
}

function toConnectionView(
  connection: Connection,
  lastRuns: Record<string, RunSummary | null>,
  health: ConnectionHealth,
  links: ConnectionLinks,
  recordCounts?: Record<string, number>,
): ConnectionView {
  const credentials = connection.credentialState;
  const state: CredentialState =
    connection.status === 'auth_error' ? 'invalid' : credentials.expiresAt && credentials.expiresAt.getTime() < Date.now() ? 'expired' : 'valid';
  return {
    ...connectionHeadline(connection),
    statusUntil: connection.statusUntil,
    createdAt: connection.createdAt,
    paused: connection.paused ?? false,
    metadata: (connection.metadata ?? null) as ConnectionView['metadata'],
    fields: connection.fields ?? {},
    connectInputs: connection.connectInputs ?? {},
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
        const view = { frequency: schedule.frequency, paused: schedule.paused ?? false, nextRunAt: schedule.nextRunAt, lastRun: run ? toRunView(run) : null };
        return [model, recordCounts ? { ...view, recordCount: recordCounts[model] ?? 0 } : view];
      }),
    ),
    health,
    workflowId: links.workflowId(connection.connectionId),
    temporalUiUrl: links.temporalUiUrl(connection.connectionId),
  };
}
