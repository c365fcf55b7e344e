// One page of a plain query: filter, order, resume after the paging cookie's last row. Like Dataverse, the cookie
// resumes after the last row's order values and primary key, while rows with equal order values come in an
// arbitrary order unless the primary key is in `$orderby`: a query ordered by modifiedon alone can repeat rows and
// skip others across a page boundary, as the docs warn (includes/cc-ordering-paging.md).
import { createHash } from 'node:crypto';
import type { Environment, StoredRow } from './environment';
import { comparable, matches, type FilterNode } from './odata-filter';
import type { OrderKey } from './odata-request';
import type { QueryPosition } from './paging-cookies';
import { TABLES, type ColumnDefinition, type EntitySet } from './tables';

export interface QueryPlan {
  entitySet: EntitySet;
  filter: FilterNode | null;
  orderBy: OrderKey[];
  secureColumnsReadable: boolean;
}

type SortValue = number | string | null;

/** Ascending order with SQL Server's nulls first; `descending` reverses both. */
function compareValues(left: SortValue, right: SortValue, descending: boolean): number {
  let order: number;
  if (left === right) order = 0;
  else if (left === null) order = -1;
  else if (right === null) order = 1;
  else order = left < right ? -1 : 1;
  return descending ? -order : order;
}

function compareTuples(left: SortValue[], right: SortValue[], orderBy: OrderKey[]): number {
  for (let i = 0; i < orderBy.length; i++) {
    const order = compareValues(left[i], right[i], orderBy[i].descending);
    if (order !== 0) return order;
  }
  return 0;
}

/** A stable order that is not primary-key order, standing for "whatever order the database read the ties in". */
const arbitraryRank = (id: string): string => createHash('md5').update(id).digest('hex');

export function queryPage(environment: Environment, plan: QueryPlan, after: QueryPosition | null, limit: number): { rows: StoredRow[]; next: QueryPosition | null } {
  const primaryKey = TABLES[plan.entitySet].primaryKey;
  const read = (row: StoredRow, column: ColumnDefinition) => (column.secured && !plan.secureColumnsReadable ? null : row.values[column.property]);
  const sortValues = (row: StoredRow) => plan.orderBy.map(({ column }) => comparable(column, read(row, column)));
  const uniqueOrder = plan.orderBy.length === 0 || plan.orderBy.some(({ column }) => column.property === primaryKey);

  const candidates: { row: StoredRow; values: SortValue[] }[] = [];
  for (const row of environment.rows(plan.entitySet)) {
    if (plan.filter && !matches(plan.filter, row, read)) continue;
    const values = sortValues(row);
    if (after) {
      const position = compareTuples(values, after.sortValues, plan.orderBy);
      // The cookie's condition: past the last row's order values, or equal to them with a greater primary key.
      if (position < 0 || (position === 0 && row.orderKey <= after.lastKey)) continue;
    }
    candidates.push({ row, values });
  }
  candidates.sort((a, b) => {
    const order = compareTuples(a.values, b.values, plan.orderBy);
    if (order !== 0) return order;
    if (uniqueOrder) return a.row.orderKey < b.row.orderKey ? -1 : a.row.orderKey > b.row.orderKey ? 1 : 0;
    return arbitraryRank(a.row.id) < arbitraryRank(b.row.id) ? -1 : 1;
  });
  const page = candidates.slice(0, limit);
  const last = page[page.length - 1];
  const next = candidates.length > limit && last ? { kind: 'query' as const, sortValues: last.values, lastKey: last.row.orderKey } : null;
  return { rows: page.map((c) => c.row), next };
}
