// Change tracking reads: the first `odata.track-changes` read (every row, in primary-key order) and delta link
// reads (rows changed since the token, by version, then the rows deleted since); the delta link comes only with the
// last page. Delta tokens read `<version>!<MM/dd/yyyy HH:mm:ss>` as Dataverse's do, and lapse.
import { dataverseError } from './errors';
import type { Environment, StoredRow, Tombstone } from './environment';
import type { TrackingPosition } from './paging-cookies';
import type { EntitySet } from './tables';

export const EXPIRED_VERSION_STAMP = '0x80044352';

const two = (n: number) => String(n).padStart(2, '0');

export function formatDeltaToken(version: number, at: number): string {
  const d = new Date(at);
  return `${version}!${two(d.getUTCMonth() + 1)}/${two(d.getUTCDate())}/${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}`;
}

const invalidDeltaToken = () => dataverseError(400, '0x80040203', 'Invalid argument: the $deltatoken is not a delta token this environment issued.');

/** The version a delta token resumes from; a lapsed token is the documented "perform a full sync" error. */
export function readDeltaToken(environment: Environment, token: string, lifetimeMs: number, expiredStatus: number): number {
  const match = /^(\d+)!(\d{2})\/(\d{2})\/(\d{4}) (\d{2}):(\d{2}):(\d{2})$/.exec(token);
  if (!match) throw invalidDeltaToken();
  const version = Number(match[1]);
  const issuedAt = Date.UTC(Number(match[4]), Number(match[2]) - 1, Number(match[3]), Number(match[5]), Number(match[6]), Number(match[7]));
  if (!Number.isFinite(issuedAt) || version > environment.currentVersion) throw invalidDeltaToken();
  if (version < environment.deltaTokensValidFromVersion || environment.clock.now() - issuedAt > lifetimeMs) {
    throw dataverseError(expiredStatus, EXPIRED_VERSION_STAMP, 'Version stamp associated with the client has expired. Please perform a full sync.');
  }
  return version;
}

export type TrackedItem = { kind: 'row'; row: StoredRow } | { kind: 'deleted'; tombstone: Tombstone };

/** One page of a change-tracking read, and where the next starts (null on the last page). */
export function trackingPage(environment: Environment, entitySet: EntitySet, position: TrackingPosition, limit: number): { items: TrackedItem[]; next: TrackingPosition | null } {
  let items: TrackedItem[];
  if (position.kind === 'initial') {
    // Rows changed while the first read pages are read as they are now, and again by the next delta link.
    const rows = [...environment.rows(entitySet)].filter((row) => row.orderKey > position.lastKey).sort((a, b) => (a.orderKey < b.orderKey ? -1 : 1));
    items = rows.map((row) => ({ kind: 'row', row }));
  } else {
    const { changed, deleted } = environment.changesBetween(entitySet, position.fromVersion, position.toVersion);
    const rows: TrackedItem[] = position.phase === 'rows' ? changed.filter((row) => row.version > position.lastVersion).map((row) => ({ kind: 'row', row })) : [];
    const deletes: TrackedItem[] = deleted.filter((t) => position.phase === 'rows' || t.version > position.lastVersion).map((tombstone) => ({ kind: 'deleted', tombstone }));
    items = [...rows, ...deletes];
  }
  const page = items.slice(0, limit);
  if (items.length <= limit) return { items: page, next: null };
  const last = page[page.length - 1];
  const next: TrackingPosition =
    last.kind === 'row'
      ? { ...position, phase: 'rows', lastKey: last.row.orderKey, lastVersion: last.row.version }
      : { ...position, phase: 'deletes', lastKey: '', lastVersion: last.tombstone.version };
  return { items: page, next };
}
