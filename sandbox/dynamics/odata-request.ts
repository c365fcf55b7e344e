// What a Web API request asks for, read as Dataverse reads it: the Prefer header's preferences, `$select`,
// `$orderby`, `$top`, the system query options it refuses, and how rows and links are written back.
import { dataverseError, odataError } from './errors';
import { etagOf, type StoredRow } from './environment';
import { TABLES, columnOf, type ColumnDefinition, type EntitySet } from './tables';

export const MAX_PAGE_SIZE = 5000;

export interface Preferences {
  maxPageSize?: number;
  trackChanges: boolean;
  returnRepresentation: boolean;
}

/** Several preferences share one Prefer header (or come in several), comma-separated. */
export function parsePrefer(header: string | undefined): Preferences {
  const preferences: Preferences = { trackChanges: false, returnRepresentation: false };
  for (const part of (header ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [name, value] = part.split('=').map((s) => s.trim());
    if (name === 'odata.maxpagesize' && /^\d+$/.test(value ?? '') && Number(value) > 0) {
      // Larger values are ignored: pages never exceed 5000 rows (MS page-results.md).
      preferences.maxPageSize = Math.min(Number(value), MAX_PAGE_SIZE);
    } else if (name === 'odata.track-changes') preferences.trackChanges = true;
    else if (name === 'return' && value === 'representation') preferences.returnRepresentation = true;
  }
  return preferences;
}

const SUPPORTED_OPTIONS = new Set(['$select', '$filter', '$orderby', '$top', '$skiptoken', '$deltatoken', '$count']);

/** The query string as single strings; `$skip` (never supported) and options the sandbox lacks are refused. */
export function queryOptions(query: Record<string, unknown>): Record<string, string> {
  const options: Record<string, string> = {};
  for (const [name, raw] of Object.entries(query)) {
    if (Array.isArray(raw)) throw odataError(400, `Query option '${name}' was specified more than once, but it must be specified at most once.`);
    const value = String(raw);
    if (name === '$skip') throw odataError(400, 'Skip Clause is not supported in CRM');
    if (name.startsWith('$') && !SUPPORTED_OPTIONS.has(name)) throw odataError(400, `The query parameter '${name}' is not supported by this sandbox.`);
    options[name] = value;
  }
  return options;
}

const typeName = (entitySet: EntitySet) => `Microsoft.Dynamics.CRM.${TABLES[entitySet].logicalName}`;

/** null means every column; the primary key is returned whether named or not. */
export function parseSelect(value: string | undefined, entitySet: EntitySet): string[] | null {
  if (value === undefined || value.trim() === '') return null;
  return value.split(',').map((name) => {
    const trimmed = name.trim();
    if (!columnOf(entitySet, trimmed)) throw odataError(400, `Could not find a property named '${trimmed}' on type '${typeName(entitySet)}'.`);
    return trimmed;
  });
}

export interface OrderKey {
  column: ColumnDefinition;
  descending: boolean;
}

export function parseOrderBy(value: string | undefined, entitySet: EntitySet): OrderKey[] {
  if (value === undefined || value.trim() === '') return [];
  return value.split(',').map((part) => {
    const [name, direction, ...rest] = part.trim().split(/\s+/);
    const column = columnOf(entitySet, name);
    if (!column) throw odataError(400, `Could not find a property named '${name}' on type '${typeName(entitySet)}'.`);
    if (rest.length > 0 || (direction !== undefined && direction !== 'asc' && direction !== 'desc')) throw odataError(400, `Syntax error at position ${part.length} in '${value}'.`);
    return { column, descending: direction === 'desc' };
  });
}

export function parseTop(value: string | undefined): number | null {
  if (value === undefined) return null;
  if (!/^\d+$/.test(value) || Number(value) < 1) throw odataError(400, `Invalid value '${value}' for $top query option found. The $top query option requires a non-negative integer value.`);
  return Number(value);
}

/** The options change tracking refuses (MS use-change-tracking…md); the error code is not documented. */
export function refuseWithTracking(options: Record<string, string>): void {
  for (const name of ['$filter', '$orderby', '$top']) {
    if (options[name] !== undefined) throw dataverseError(400, '0x80040203', `The "${name}" query parameter isn't supported when Change Tracking is enabled.`);
  }
}

/** A row as the Web API writes it: its etag, the chosen columns (secured ones null without read access), the key. */
export function projectRow(row: StoredRow, entitySet: EntitySet, select: string[] | null, secureColumnsReadable: boolean): Record<string, unknown> {
  const table = TABLES[entitySet];
  const out: Record<string, unknown> = { '@odata.etag': etagOf(row) };
  for (const property of select ?? table.columns.map((c) => c.property)) {
    const column = columnOf(entitySet, property);
    out[property] = column?.secured && !secureColumnsReadable ? null : (row.values[property] ?? null);
  }
  out[table.primaryKey] = row.id;
  return out;
}

/** `{api}/$metadata#contacts(fullname,modifiedon)`, with `/$delta` or `/$entity` after it where the answer is one. */
export function contextUrl(apiUrl: string, entitySet: EntitySet, select: string[] | null, suffix = ''): string {
  return `${apiUrl}/$metadata#${entitySet}${select ? `(${select.join(',')})` : ''}${suffix}`;
}

/** A link with the given options, encoded as Dataverse writes its links (`%20`, not `+`), `$` names kept. */
export function linkWith(base: string, options: Record<string, string>): string {
  const query = Object.entries(options)
    .map(([name, value]) => `${name.startsWith('$') ? `$${encodeURIComponent(name.slice(1))}` : encodeURIComponent(name)}=${encodeURIComponent(value)}`)
    .join('&');
  return query ? `${base}?${query}` : base;
}
