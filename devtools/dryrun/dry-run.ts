// A dry run's story: the connection's next run of a model, read from its real provider account with the sync's code as
// it is on disk, validated and compared with what is stored, and nothing written: no record, checkpoint, run or webhook.
import { ApplicationFailure } from '@temporalio/common';
import { openConnectionHttp } from '../../activities/connection-http';
import type { FreshCredentials } from '../../api/fresh-credentials';
import { quickRetryWaitMs, rateLimitWaitMs, rateLimitedDetails } from '../../contracts/provider-waits';
import { FailureType } from '../../contracts/failure-types';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import type { ProviderDefinition } from '../../providers/provider-definition';
import type { Connection } from '../../store/connections';
import type { Store } from '../../store/store';
import { ProviderError, type Checkpoint, type InvalidRecord, type ReadPage, type SyncDefinition, type SyncMode, type ValidRecord } from '../../sync';
import type { ProviderExchange } from '../../sync-engine/provider-http-client';
import { QuotaGuard } from '../../sync-engine/quota-guard';
import { SyncRecorder } from '../../sync-engine/sync-recorder';
import { decideRunMode, syncVersionOf } from '../../sync-engine/sync-version';
import { extraFieldsFor } from '../../sync/fields';
import type { ProviderHttpClient } from '../../sync/http-client';
import { readSync } from '../../sync/read-sync';
import { ReplayHttpClient } from '../../sync/replay-http-client';
import { DryRunRefusedError } from './dry-run-errors';
import { StoredChanges, type ChangeIds } from './stored-changes';
import { loadSyncFile } from './sync-file';

export interface DryRunRequest {
  integration: string;
  model: string;
  connectionId: string;
  /** A .sync.ts file to run instead of the catalog's sync of `model` (one not listed yet, or a variant). */
  syncFile?: string;
  /** Read everything, as a full resync would (and, if it reads to the end, say what it would mark deleted). */
  full?: boolean;
  /** Start here instead of where the connection's next run would. */
  checkpoint?: Checkpoint;
  /** Extra fields on top of the integration's and the connection's, as `fields` in PATCH /connections would add. */
  fields?: string[];
  /** Stop after the page that brings the records read to this many (and ask for pages no larger). */
  limit?: number;
  /** Write a recording of the provider's answers here (scrubbed; refused if a secret would remain). */
  save?: string;
  /** A rate-limit wait longer than this ends the dry run instead of sleeping through it. */
  maxWaitMs?: number;
}

export interface DryRunDependencies {
  store: Store;
  /** Under the operator's URL policy and limits, as the worker has it. */
  catalog: ProviderCatalog;
  /** How credentials a provider refused are renewed: by the connection's workflow (opened only when needed). */
  freshCredentials(): Promise<FreshCredentials>;
  /** Where progress goes as it happens (the CLI's stderr); the report comes at the end. */
  progress?(line: string): void;
  sleep?(ms: number): Promise<void>;
}

export interface DryRunRequestLog {
  method: string;
  /** Path and query at the provider, as sent. */
  path: string;
  /** null: no answer came (a reset, a timeout). */
  status: number | null;
}

export interface DryRunReport {
  connection: { connectionId: string; integration: string; provider: string; status: Connection['status'] };
  /** `version`: the sync's own; `extraFields`: the integration's, the connection's and --fields, which a run reads too. */
  sync: { model: string; source: string; version: number; extraFields: string[] };
  run: { mode: SyncMode; fullReason: string | null; checkpoint: Checkpoint | null; startsFrom: string; lookbackMs: number; pageSize: number };
  /** For a sync that discovers its fields: what it read, and what this account lacks or hides. */
  fields: { selected: string[]; missing: string[] } | null;
  pages: { records: number; invalid: number; deletedIds: number; checkpoint: Checkpoint | null }[];
  /** Every valid record as the store would receive it. */
  records: ValidRecord[];
  invalid: InvalidRecord[];
  deletedIds: string[];
  /** What storing the pages would change, by id. Deletes of unseen records only when a full read reached the end. */
  changes: ChangeIds & { unseenChecked: boolean };
  requests: DryRunRequestLog[];
  rateLimitWaits: { reason: string; waitMs: number }[];
  /** Times the connection's workflow renewed the credentials for this dry run. */
  credentialRefreshes: number;
  /** `end`: the sync had no more pages; `limit`: --limit stopped it; `error`: see `error`. */
  stopped: 'end' | 'limit' | 'error';
  error: { kind: string; message: string } | null;
  recording: { file: string; exchanges: number } | null;
  durationMs: number;
}

const DEFAULT_MAX_WAIT_MS = 60_000;
/** As the engine retries a run's auth failures: a token that is refused again right after a refresh is not a token problem. */
const MAX_REFRESHES = 2;
const MAX_RATE_LIMIT_WAITS = 5;
/** Transient failures (a 5xx, a reset, an expired query cursor) are retried by the engine; a dry run tries a few times. */
const MAX_TRANSIENT_RETRIES = 3;

interface Plan {
  connection: Connection;
  provider: ProviderDefinition;
  sync: SyncDefinition;
  source: string;
  version: string;
  extraFields: string[];
  mode: SyncMode;
  fullReason: string | null;
  checkpoint: Checkpoint | null;
  startsFrom: string;
  lookbackMs: number;
  pageSize: number;
}

/** Throws DryRunRefusedError, before any provider request, when it cannot run as asked. */
export async function dryRun(dependencies: DryRunDependencies, request: DryRunRequest): Promise<DryRunReport> {
  const startedAt = Date.now();
  const plan = await planDryRun(dependencies, request);
  const reader = new DryRunReader(dependencies, request, plan);
  await reader.read();
  return reader.report(Date.now() - startedAt);
}

/** Which sync, from where, with which fields and mode: what the connection's next run would be, or what was asked. */
async function planDryRun({ store, catalog }: DryRunDependencies, request: DryRunRequest): Promise<Plan> {
  const connection = await store.connections.find(request.connectionId);
  if (!connection) throw new DryRunRefusedError(`connection "${request.connectionId}" does not exist`);
  if (connection.integration !== request.integration) {
    throw new DryRunRefusedError(`connection "${request.connectionId}" belongs to integration "${connection.integration}", not "${request.integration}"`);
  }
  // Both would have the dry run use credentials nobody may renew: the workflow refreshes nothing for them.
  if (connection.status === 'auth_error') {
    throw new DryRunRefusedError(
      `connection "${request.connectionId}" is in auth_error${connection.statusReason ? ` (${connection.statusReason})` : ''}: its credentials are no longer accepted and only the customer can renew them (a connect session); nothing was read`,
    );
  }
  if (connection.paused || connection.status === 'paused') {
    throw new DryRunRefusedError(
      `connection "${request.connectionId}" is paused: the app paused it, so it neither syncs nor renews its credentials; resume it (PATCH /connections/${request.connectionId} {"paused": false}) to dry-run it`,
    );
  }
  const provider = catalog.get(connection.provider);
  const sync = request.syncFile ? loadSyncFile(request.syncFile, request.model) : catalogSync(provider, request.model);
  if (request.fields?.length && !sync.fields) {
    throw new DryRunRefusedError(`--fields: the ${sync.model} sync reads a fixed set of fields (it declares no \`fields\`), so none can be added`);
  }
  const integration = await store.integrations.find(connection.integration);
  const extraFields = [...new Set([...extraFieldsFor(sync.model, integration?.fields, connection.fields), ...(request.fields ?? [])])];
  const version = syncVersionOf(sync, extraFields);
  const pageSize = Math.min(provider.api.pageSize, request.limit ?? Infinity);
  const lookback = provider.api.incrementalLookbackMs ?? 0;
  const base = { connection, provider, sync, source: request.syncFile ?? 'the provider catalog', version, extraFields, pageSize };
  if (request.checkpoint) {
    const mode: SyncMode = request.full ? 'full' : 'incremental';
    // As the engine resumes a run after a stored page: from that checkpoint, with no lookback.
    return { ...base, mode, fullReason: request.full ? 'requested' : null, checkpoint: request.checkpoint, startsFrom: 'the checkpoint given (--checkpoint)', lookbackMs: 0 };
  }
  const cursor = Object.hasOwn(connection.syncs, sync.model) ? connection.syncs[sync.model].cursor : null;
  const lastComplete = await store.runs.lastCompleteVersion(connection, sync.model);
  const { mode, fullReason } = decideRunMode({ requested: request.full ? 'full' : 'incremental', hasCursor: cursor !== null, lastComplete, current: version });
  const checkpoint = mode === 'full' ? null : cursor;
  const startsFrom = mode === 'full' ? 'the beginning (a full resync)' : cursor === null ? 'the beginning (no run has completed yet)' : "the last run's cursor";
  return { ...base, mode, fullReason, checkpoint, startsFrom, lookbackMs: mode === 'incremental' ? lookback : 0 };
}

function catalogSync(provider: ProviderDefinition, model: string): SyncDefinition {
  const sync = provider.syncs.find((candidate) => candidate.model === model);
  if (!sync) {
    throw new DryRunRefusedError(
      `${provider.displayName} has no model "${model}" in the catalog (it has ${provider.syncs.map((s) => s.model).join(', ')}); for a sync file not listed yet, add --sync <file>`,
    );
  }
  return sync;
}

/** Reads the pages as the engine would, renewing credentials through the workflow and waiting out rate limits. */
class DryRunReader {
  private pages: ReadPage[] = [];
  private fieldsRead: { selected: string[]; missing: string[] } | null = null;
  private readonly requests: DryRunRequestLog[] = [];
  private readonly waits: { reason: string; waitMs: number }[] = [];
  private refreshes = 0;
  /** Of the credentials the provider client was opened with. */
  private generation = 0;
  private transientRetries = 0;
  private stopped: DryRunReport['stopped'] = 'end';
  private error: DryRunReport['error'] = null;
  private unseenChecked = false;
  private recorder: SyncRecorder | null = null;
  private recording: DryRunReport['recording'] = null;
  /** Every access token this dry run held: none may be printed or recorded. */
  private readonly tokens = new Set<string>();
  private readonly changes: StoredChanges;

  constructor(
    private readonly dependencies: DryRunDependencies,
    private readonly request: DryRunRequest,
    private readonly plan: Plan,
  ) {
    const { connection, sync } = plan;
    this.changes = new StoredChanges(dependencies.store.records, { connectionId: connection.connectionId, model: sync.model, incarnation: connection.incarnation }, sync.ignoredFields ?? []);
  }

  private say(line: string): void {
    this.dependencies.progress?.(line);
  }

  async read(): Promise<void> {
    let from = { checkpoint: this.plan.checkpoint, lookbackMs: this.plan.lookbackMs };
    for (;;) {
      try {
        const http = await this.openHttp();
        await this.readPages(http, from);
        if (this.request.save) await this.saveRecording(http);
        return;
      } catch (error) {
        const retry = await this.retryAfter(error, this.generation);
        if (!retry) return;
        // A recording must replay as one run from its start, so it starts over; otherwise resume as the engine does.
        if (this.request.save || this.pages.length === 0) {
          this.startOver();
          from = { checkpoint: this.plan.checkpoint, lookbackMs: this.plan.lookbackMs };
        } else {
          from = { checkpoint: this.pages.at(-1)?.checkpoint ?? null, lookbackMs: 0 };
        }
      }
    }
  }

  /** Opens the connection's client with the credentials stored now, and notes their generation (a 401 names it). */
  private async openHttp(): Promise<ProviderHttpClient> {
    const { store, catalog } = this.dependencies;
    const { provider, connection } = this.plan;
    try {
      const opened = await openConnectionHttp({ store, catalog }, connection, {
        quota: provider.api.quota ? new QuotaGuard(provider.api.quota) : undefined,
        onExchange: (exchange) => this.exchanged(exchange),
        // Which request it was is in the error the sync then gets (and the report's error or retry line).
        onNoResponse: (error) => this.requests.push({ method: '', path: this.hideTokens(`no answer: ${error.message}`), status: null }),
      });
      const { credentials } = await store.connections.readCredentials(connection.connectionId);
      if (credentials.accessToken) this.tokens.add(credentials.accessToken);
      if (this.request.save && !this.recorder) this.recorder = await this.newRecorder(opened.baseUrl, credentials.refreshToken);
      this.generation = opened.generation;
      return opened.http;
    } catch (error) {
      // No access token issued yet: the same answer as a refused one, which the workflow's refresh fixes.
      if (error instanceof ApplicationFailure && error.type === FailureType.credentialsExpired) {
        const generation = (error.details?.[0] as { generation: number }).generation;
        this.generation = generation;
        throw new ProviderError('auth_expired', `connection "${connection.connectionId}" has no access token yet (generation ${generation})`);
      }
      throw error;
    }
  }

  private exchanged(exchange: ProviderExchange): void {
    this.requests.push({ method: exchange.method, path: this.hideTokens(exchange.url.pathname + exchange.url.search), status: exchange.status });
    this.recorder?.onExchange(exchange);
  }

  private async readPages(http: ProviderHttpClient, from: { checkpoint: Checkpoint | null; lookbackMs: number }): Promise<void> {
    const { sync, mode, pageSize, extraFields } = this.plan;
    const read = await readSync(sync, http, { mode, pageSize, ...from, extraFields });
    if (read.fields) this.fieldsRead = { selected: read.fields.selected, missing: read.fields.missing };
    for await (const page of read.pages) {
      this.pages.push(page);
      await this.changes.page(page);
      this.say(`page ${this.pages.length}: ${page.records.length} records, ${page.invalid.length} invalid, ${page.deletedIds.length} deleted`);
      if (this.request.limit !== undefined && this.recordsRead() >= this.request.limit) {
        this.stopped = 'limit';
        // Leaving the loop ends the sync's generator: no further page is asked for.
        return;
      }
    }
    if (mode === 'full') {
      // Only a full read that reached the end may say what it did not see, as only such a run marks it deleted.
      await this.changes.unseenDeletes();
      this.unseenChecked = true;
    }
  }

  private recordsRead(): number {
    return this.pages.reduce((sum, page) => sum + page.records.length + page.invalid.length, 0);
  }

  /** Whether to read again after `error`, having done what it takes (new credentials, a wait); false ends the dry run. */
  private async retryAfter(error: unknown, generation: number): Promise<boolean> {
    if (!(error instanceof ProviderError)) {
      this.fail(error instanceof Error ? error.name : 'error', error instanceof Error ? error.message : String(error));
      return false;
    }
    if (error.kind === 'auth_expired' && this.refreshes < MAX_REFRESHES) return this.renewCredentials(error, generation);
    if (error.kind === 'rate_limited' && this.waits.length < MAX_RATE_LIMIT_WAITS) return this.waitOut(error);
    if (error.kind === 'transient' && this.transientRetries < MAX_TRANSIENT_RETRIES) {
      this.transientRetries++;
      const waitMs = quickRetryWaitMs(this.transientRetries, 1000);
      this.say(`${error.message}; trying again in ${waitMs / 1000} s`);
      await this.sleep(waitMs);
      return true;
    }
    this.fail(error.kind, error.message);
    return false;
  }

  /** Never refreshes itself: asks the connection's workflow, as the proxy does, and waits for the new generation. */
  private async renewCredentials(error: ProviderError, generation: number): Promise<boolean> {
    const { connectionId } = this.plan.connection;
    const fresh = await this.dependencies.freshCredentials();
    const claim = await fresh.claim(connectionId, generation);
    if (claim === 'refused') {
      this.fail('auth_expired', `${error.message}; the credentials were renewed moments ago and refused again, so another refresh would not help`);
      return false;
    }
    this.say(`${error.message}: asking connection ${connectionId}'s workflow for new credentials`);
    try {
      await fresh.awaitRefresh(connectionId, generation, claim);
    } catch (refusal) {
      if (!(refusal instanceof AppError)) throw refusal;
      this.fail('auth_expired', refusal.message);
      return false;
    }
    this.refreshes++;
    return true;
  }

  private async waitOut(error: ProviderError): Promise<boolean> {
    // The wait a live run would take: the same failure details, drawn over this run's waits so far.
    const wait = rateLimitWaitMs(rateLimitedDetails(error.details, error.message), this.waits.length, Math.random);
    const maxWaitMs = this.request.maxWaitMs ?? DEFAULT_MAX_WAIT_MS;
    if (wait > maxWaitMs) {
      this.fail('rate_limited', `${error.message}: the provider asks to wait ${Math.ceil(wait / 1000)} s, more than --max-wait ${Math.round(maxWaitMs / 1000)} s allows`);
      return false;
    }
    this.waits.push({ reason: error.message, waitMs: wait });
    this.say(`rate limited (${error.message}): waiting ${(wait / 1000).toFixed(1)} s`);
    await this.sleep(wait);
    return true;
  }

  private fail(kind: string, message: string): void {
    this.stopped = 'error';
    this.error = { kind, message: this.hideTokens(message) };
  }

  private sleep(ms: number): Promise<void> {
    return this.dependencies.sleep ? this.dependencies.sleep(ms) : new Promise((resolve) => setTimeout(resolve, ms));
  }

  private startOver(): void {
    this.pages = [];
    this.fieldsRead = null;
    this.unseenChecked = false;
    this.stopped = 'end';
    this.changes.reset();
    this.recorder = null;
  }

  private async newRecorder(apiBaseUrl: string, refreshToken: string): Promise<SyncRecorder> {
    const { store } = this.dependencies;
    const { connection, sync, mode, checkpoint, pageSize, lookbackMs, extraFields } = this.plan;
    const integration = await store.integrations.find(connection.integration);
    const client = integration ? await store.integrations.getClientCredentials(connection.integration) : null;
    const hosts = [integration?.authorizationUrl, integration?.tokenUrl, integration?.apiBaseUrl, client?.tokenUrl].filter((url): url is string => Boolean(url));
    const tokens = Object.fromEntries([...this.tokens].map((token, index) => [index === 0 ? 'access token' : `access token ${index + 1}`, token]));
    return new SyncRecorder({
      apiBaseUrl,
      hosts,
      secrets: { ...tokens, 'refresh token': refreshToken, 'client secret': client?.clientSecret },
      run: { mode, checkpoint, pageSize, lookbackMs, ...(sync.fields ? { extraFields } : {}) },
      provider: connection.provider,
      model: sync.model,
      description: `A dry run of ${sync.model} on a ${connection.provider} connection (npm run dryrun -- … --save).`,
    });
  }

  /**
   * Also records what each resume from one of the run's checkpoints asks that the run did not (a Salesforce resume is a
   * new query), so a test can prove resumption: replayed from what is recorded, the rest asked of the provider live.
   */
  private async saveRecording(live: ProviderHttpClient): Promise<void> {
    const recorder = this.recorder;
    const file = this.request.save;
    if (!recorder || !file) return;
    const { sync, mode, pageSize, extraFields } = this.plan;
    if (this.stopped === 'limit') recorder.stoppedAfter(this.pages.length);
    for (let page = 0; page < this.pages.length - 1; page++) {
      const replayFirst = new ReplayHttpClient(recorder.recording(), this.plan.provider.api.errorRules, live);
      const resumed = await readSync(sync, replayFirst, { mode, pageSize, checkpoint: this.pages[page].checkpoint, lookbackMs: 0, extraFields });
      let read = 0;
      for await (const _page of resumed.pages) if (++read === this.pages.length - 1 - page) break;
    }
    await recorder.save(file);
    this.recording = { file, exchanges: recorder.exchangeCount };
    this.say(`recording written to ${file} (${recorder.exchangeCount} exchanges)`);
  }

  private hideTokens(text: string): string {
    let hidden = text;
    for (const token of this.tokens) hidden = hidden.split(token).join('SCRUBBED').split(encodeURIComponent(token)).join('SCRUBBED');
    return hidden;
  }

  report(durationMs: number): DryRunReport {
    const { connection, sync, source, mode, fullReason, checkpoint, startsFrom, lookbackMs, pageSize } = this.plan;
    return {
      connection: { connectionId: connection.connectionId, integration: connection.integration, provider: connection.provider, status: connection.status },
      sync: { model: sync.model, source, version: sync.version ?? 1, extraFields: this.plan.extraFields },
      run: { mode, fullReason, checkpoint, startsFrom, lookbackMs, pageSize },
      fields: this.fieldsRead,
      pages: this.pages.map((page) => ({ records: page.records.length, invalid: page.invalid.length, deletedIds: page.deletedIds.length, checkpoint: page.checkpoint })),
      records: this.pages.flatMap((page) => page.records),
      invalid: this.pages.flatMap((page) => page.invalid),
      deletedIds: this.pages.flatMap((page) => page.deletedIds),
      changes: { ...this.changes.changes, unseenChecked: this.unseenChecked },
      requests: this.requests,
      rateLimitWaits: this.waits,
      credentialRefreshes: this.refreshes,
      stopped: this.stopped,
      error: this.error,
      recording: this.recording,
      durationMs,
    };
  }
}
