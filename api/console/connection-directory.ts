// The API's in-memory directory of every connection: what lists filter, search and order by (problems first), and
// what the overview counts, without a database scan per request. Rows are then read fresh by id.
import { connectionHeadline } from '../connection-headline';
import type { Connection } from '../../store/connections';

export type HealthState = 'ok' | 'stuck' | 'unknown';
export type ListedStatus = 'active' | 'rate_limited' | 'degraded' | 'auth_error' | 'paused';

export interface DirectoryEntry {
  connectionId: string;
  integration: string;
  provider: string;
  accountId: string | null;
  /** As the connection view shows it: `paused` when the app paused it, else the workflow's status. */
  status: ListedStatus;
  statusReason: string | null;
  health: HealthState;
  /** Some model's last finished run failed. */
  failing: boolean;
  /** The start of each model's run in flight. */
  runningSince: Date[];
  /** Lower-cased id, account id and metadata values, searched by substring. */
  searchText: string;
  createdAt: Date;
  /** The health as stored, with its cause: the health scan writes only what changed. */
  storedHealth: { state: HealthState; cause: string | null } | null;
}

export interface DirectoryFilter {
  q?: string;
  integration?: string;
  provider?: string;
  status?: ListedStatus;
  health?: HealthState;
  failing?: boolean;
}

/** Problems first: a stuck workflow above all (nothing else can fix itself), then what the customer or provider must fix. */
const RANK: Record<ListedStatus | 'stuck', number> = { stuck: 0, auth_error: 1, degraded: 2, rate_limited: 3, paused: 4, active: 5 };

export const rankOf = (entry: Pick<DirectoryEntry, 'health' | 'status'>): number => (entry.health === 'stuck' ? RANK.stuck : RANK[entry.status]);

/** Metadata is searched in its first characters: bounded memory per connection whatever the app keeps there. */
const MAX_SEARCH_TEXT = 2_000;

export function toDirectoryEntry(connection: Connection): DirectoryEntry {
  const models = Object.values(connection.syncs);
  const values: string[] = [];
  collectValues(connection.metadata ?? null, values);
  const searchText = [connection.connectionId, connection.providerAccountId ?? '', ...values].join('\n').toLowerCase().slice(0, MAX_SEARCH_TEXT);
  return {
    ...connectionHeadline(connection),
    health: connection.health?.state ?? 'unknown',
    failing: models.some((schedule) => schedule.lastRunStatus === 'failed'),
    runningSince: models.flatMap((schedule) => (schedule.runningSince ? [schedule.runningSince] : [])),
    searchText,
    createdAt: connection.createdAt,
    storedHealth: connection.health ? { state: connection.health.state, cause: connection.health.cause } : null,
  };
}

function collectValues(value: unknown, into: string[]): void {
  if (value === null || value === undefined) return;
  if (typeof value === 'object') {
    for (const child of Object.values(value)) collectValues(child, into);
    return;
  }
  into.push(String(value));
}

export function matches(entry: DirectoryEntry, filter: DirectoryFilter): boolean {
  if (filter.integration !== undefined && entry.integration !== filter.integration) return false;
  if (filter.provider !== undefined && entry.provider !== filter.provider) return false;
  if (filter.status !== undefined && entry.status !== filter.status) return false;
  if (filter.health !== undefined && entry.health !== filter.health) return false;
  if (filter.failing !== undefined && entry.failing !== filter.failing) return false;
  if (filter.q !== undefined && !entry.searchText.includes(filter.q.toLowerCase())) return false;
  return true;
}

const byRankThenId = (a: DirectoryEntry, b: DirectoryEntry) => rankOf(a) - rankOf(b) || (a.connectionId < b.connectionId ? -1 : a.connectionId > b.connectionId ? 1 : 0);

export interface DirectorySettings {
  /** A refresh may keep the database busy at most this share of the time (refreshes wait 1/share × their duration). */
  busyShare: number;
  minIntervalMs: number;
  maxIntervalMs: number;
  /** A refresh this quick is waited for by a request that finds the directory stale: small deployments read it live. */
  awaitRefreshUnderMs: number;
}

export const DEFAULT_DIRECTORY_SETTINGS: DirectorySettings = { busyShare: 0.05, minIntervalMs: 2_000, maxIntervalMs: 300_000, awaitRefreshUnderMs: 250 };

/**
 * Loaded with one scan of the connections, then refreshed when a request finds it stale: never more often than the
 * last scan's duration allows (`busyShare`), so 10,000 connections on FerretDB (seconds per scan) cost a few percent
 * of the database while a few hundred are re-read every couple of seconds. Changes this process makes are applied
 * at once (`put`, `remove`); a worker's (a status, a run's outcome) and another API process's show at the next
 * refresh. Rows answered from it are read fresh by id, so only the order and the filters can lag.
 */
export class ConnectionDirectory {
  private entries = new Map<string, DirectoryEntry>();
  private sorted: DirectoryEntry[] | null = null;
  private loadedAt = 0;
  private lastScanMs = 0;
  private refreshing: Promise<void> | null = null;
  private everLoaded = false;

  constructor(
    private readonly scan: () => AsyncIterable<Connection>,
    private readonly settings: DirectorySettings = DEFAULT_DIRECTORY_SETTINGS,
    private readonly now: () => number = Date.now,
  ) {}

  /** Every entry, problems first then by id; loads on first use and refreshes when stale. */
  async ordered(): Promise<readonly DirectoryEntry[]> {
    await this.fresh();
    this.sorted ??= [...this.entries.values()].sort(byRankThenId);
    return this.sorted;
  }

  async all(): Promise<Iterable<DirectoryEntry>> {
    await this.fresh();
    return this.entries.values();
  }

  /** A change this process made (or a row read fresh): shown at once. */
  put(connection: Connection): void {
    this.entries.set(connection.connectionId, toDirectoryEntry(connection));
    this.sorted = null;
  }

  remove(connectionId: string): void {
    if (this.entries.delete(connectionId)) this.sorted = null;
  }

  /** The health scan's finding for one connection, without waiting for the next refresh. */
  setHealth(connectionId: string, health: { state: HealthState; cause: string | null } | null): void {
    const entry = this.entries.get(connectionId);
    if (!entry) return;
    this.entries.set(connectionId, { ...entry, health: health?.state ?? 'unknown', storedHealth: health });
    this.sorted = null;
  }

  private intervalMs(): number {
    const wanted = this.lastScanMs / this.settings.busyShare;
    return Math.min(this.settings.maxIntervalMs, Math.max(this.settings.minIntervalMs, wanted));
  }

  private async fresh(): Promise<void> {
    if (!this.everLoaded) return this.refresh();
    if (this.now() - this.loadedAt < this.intervalMs()) return;
    const refreshing = this.refresh();
    // Quick scans are waited for (the answer is then current); slow ones run behind the answer.
    if (this.lastScanMs < this.settings.awaitRefreshUnderMs) await refreshing;
    else refreshing.catch(() => undefined);
  }

  /** One scan at a time; a failed one keeps the previous entries (and the first one fails the request). */
  refresh(): Promise<void> {
    this.refreshing ??= (async () => {
      const startedAt = this.now();
      try {
        const entries = new Map<string, DirectoryEntry>();
        for await (const connection of this.scan()) entries.set(connection.connectionId, toDirectoryEntry(connection));
        this.entries = entries;
        this.sorted = null;
        this.everLoaded = true;
      } finally {
        this.lastScanMs = this.now() - startedAt;
        this.loadedAt = this.now();
        this.refreshing = null;
      }
    })();
    return this.refreshing;
  }
}

/** Entries matching `filter` after `cursor` (rank and id of the last one returned), at most `limit`. */
export function pageOf(
  ordered: readonly DirectoryEntry[],
  filter: DirectoryFilter,
  after: { rank: number; connectionId: string } | null,
  limit: number,
): { entries: DirectoryEntry[]; more: boolean } {
  const entries: DirectoryEntry[] = [];
  for (const entry of ordered) {
    if (after) {
      const rank = rankOf(entry);
      if (rank < after.rank || (rank === after.rank && entry.connectionId <= after.connectionId)) continue;
    }
    if (!matches(entry, filter)) continue;
    if (entries.length === limit) return { entries, more: true };
    entries.push(entry);
  }
  return { entries, more: false };
}
