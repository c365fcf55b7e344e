// The order and filter of a record listing: `sort_by` id, Created_Time or Modified_Time, `sort_order` (default
// desc), `If-Modified-Since` and `ids`. Records sharing a time come in a stable order that is not id order, as a
// database returns ties; a page token resumes strictly after the last record it saw in that order.
import { compareIds } from './ids';
import type { ModuleName } from './modules';
import type { Org, StoredRecord } from './org';
import type { PagePosition } from './page-tokens';

export const SORT_FIELDS = ['id', 'Created_Time', 'Modified_Time'] as const;
export type SortBy = (typeof SORT_FIELDS)[number];

export interface ListQuery {
  module: ModuleName;
  sortBy: SortBy;
  sortOrder: 'asc' | 'desc';
  /** Epoch ms from If-Modified-Since: only records modified after it (or in that second too, if inclusive). */
  modifiedSinceMs: number | null;
  inclusive: boolean;
  ids: ReadonlySet<string> | null;
}

function sortValue(record: StoredRecord, sortBy: SortBy): number | string {
  if (sortBy === 'id') return record.id;
  return sortBy === 'Created_Time' ? record.createdSec : record.modifiedSec;
}

export function positionOf(record: StoredRecord, sortBy: SortBy): PagePosition {
  return { sortValue: sortValue(record, sortBy), tieRank: record.tieRank, id: record.id };
}

/** Ascending order of two positions; the query's sort order flips it. */
function comparePositions(left: PagePosition, right: PagePosition): number {
  if (left.sortValue !== right.sortValue) return left.sortValue < right.sortValue ? -1 : 1;
  if (left.tieRank !== right.tieRank) return left.tieRank < right.tieRank ? -1 : 1;
  return compareIds(left.id, right.id);
}

export function modifiedAfter(record: StoredRecord, sinceMs: number, inclusive: boolean): boolean {
  return inclusive ? record.modifiedSec * 1000 >= Math.floor(sinceMs / 1000) * 1000 : record.modifiedSec * 1000 > sinceMs;
}

/** Every record the query matches, in its order. */
export function orderedRecords(org: Org, query: ListQuery): StoredRecord[] {
  const matched: { record: StoredRecord; position: PagePosition }[] = [];
  for (const record of org.records(query.module)) {
    if (query.ids && !query.ids.has(record.id)) continue;
    if (query.modifiedSinceMs !== null && !modifiedAfter(record, query.modifiedSinceMs, query.inclusive)) continue;
    matched.push({ record, position: positionOf(record, query.sortBy) });
  }
  const direction = query.sortOrder === 'asc' ? 1 : -1;
  matched.sort((a, b) => direction * comparePositions(a.position, b.position));
  return matched.map((entry) => entry.record);
}

/** The index of the first record strictly after `position` in the query's order. */
export function indexAfter(records: readonly StoredRecord[], position: PagePosition, query: ListQuery): number {
  const direction = query.sortOrder === 'asc' ? 1 : -1;
  const index = records.findIndex((record) => direction * comparePositions(positionOf(record, query.sortBy), position) > 0);
  return index < 0 ? records.length : index;
}
