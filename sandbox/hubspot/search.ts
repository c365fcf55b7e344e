// The CRM search request: its body checked as HubSpot checks it (groups, filters, one sort, limit ≤ 200, the
// 10,000-result window), filters evaluated by property type, and an order for ties that HubSpot never promises.
import { z } from 'zod';
import { validationError } from './errors';
import { propertyType } from './properties';
import type { StoredRecord } from './portal';

export const SEARCH_LIMIT_MAX = 200;
const MAX_FILTER_GROUPS = 5;
const MAX_FILTERS_PER_GROUP = 10;
const MAX_FILTERS = 25;

const OPERATORS = ['EQ', 'NEQ', 'LT', 'LTE', 'GT', 'GTE', 'BETWEEN', 'IN', 'NOT_IN', 'HAS_PROPERTY', 'NOT_HAS_PROPERTY'] as const;
type Operator = (typeof OPERATORS)[number];

const scalar = z.union([z.string(), z.number()]).transform(String);

const filterSchema = z.object({
  propertyName: z.string().min(1),
  operator: z.enum(OPERATORS),
  value: scalar.optional(),
  highValue: scalar.optional(),
  values: z.array(scalar).optional(),
});

const sortSchema = z.union([
  z.object({ propertyName: z.string().min(1), direction: z.enum(['ASCENDING', 'DESCENDING']).default('ASCENDING') }),
  z.string().min(1).transform((propertyName) => ({ propertyName, direction: 'ASCENDING' as const })),
]);

const bodySchema = z.object({
  filterGroups: z.array(z.object({ filters: z.array(filterSchema) })).default([]),
  sorts: z.array(sortSchema).default([]),
  properties: z.array(z.string()).optional(),
  limit: z.number().int().default(10),
  after: scalar.optional(),
  query: z.string().optional(),
});

export type Filter = z.output<typeof filterSchema>;
export type Sort = z.output<typeof sortSchema>;
export type SearchRequest = z.output<typeof bodySchema> & { offset: number };

/** `onBeyondCap` hears of requests refused for paging past the cap (the sandbox counts them). */
export function parseSearchRequest(body: unknown, resultCap: number, onBeyondCap: () => void = () => undefined): SearchRequest {
  const parsed = bodySchema.safeParse(body ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw validationError(`Invalid input JSON on line 1: ${issue.path.join('.') || '(body)'}: ${issue.message}`);
  }
  const request = parsed.data;
  if (request.limit < 1 || request.limit > SEARCH_LIMIT_MAX) throw validationError(`limit must be between 1 and ${SEARCH_LIMIT_MAX}, but was ${request.limit}`);
  if (request.filterGroups.length > MAX_FILTER_GROUPS) throw validationError(`Too many filter groups: at most ${MAX_FILTER_GROUPS} are allowed`);
  let total = 0;
  for (const group of request.filterGroups) {
    if (group.filters.length > MAX_FILTERS_PER_GROUP) throw validationError(`Too many filters in a group: at most ${MAX_FILTERS_PER_GROUP} are allowed`);
    total += group.filters.length;
    for (const filter of group.filters) checkFilter(filter);
  }
  if (total > MAX_FILTERS) throw validationError(`Too many filters: at most ${MAX_FILTERS} are allowed`);
  if (request.sorts.length > 1) throw validationError('Only one sort is supported per search request');
  const offset = request.after === undefined || request.after === '' ? 0 : Number(request.after);
  if (!Number.isInteger(offset) || offset < 0) throw validationError(`after must be a non-negative integer, but was "${request.after}"`);
  if (offset >= resultCap) {
    onBeyondCap();
    throw validationError(`Paging beyond ${resultCap.toLocaleString('en-US')} results is not supported: narrow the search with filters`);
  }
  return { ...request, offset };
}

function checkFilter(filter: Filter): void {
  const needs = (field: 'value' | 'highValue' | 'values') => {
    if (filter[field] === undefined) throw validationError(`${filter.operator} on ${filter.propertyName} requires "${field}"`);
  };
  if (filter.operator === 'IN' || filter.operator === 'NOT_IN') needs('values');
  else if (filter.operator === 'BETWEEN') {
    needs('value');
    needs('highValue');
  } else if (filter.operator !== 'HAS_PROPERTY' && filter.operator !== 'NOT_HAS_PROPERTY') needs('value');
  if (propertyType(filter.propertyName) === 'datetime') {
    for (const value of [filter.value, filter.highValue, ...(filter.values ?? [])]) {
      if (value !== undefined && Number.isNaN(toMs(value))) throw validationError(`"${value}" is not a valid datetime for ${filter.propertyName}: use epoch milliseconds or ISO 8601`);
    }
  }
}

/** Datetime filter values come as epoch milliseconds or ISO 8601 text. */
function toMs(value: string): number {
  return /^-?\d+$/.test(value) ? Number(value) : Date.parse(value);
}

/** A property's value as something comparable: ms for dates, numbers for numbers, lower-cased text otherwise. */
function comparable(name: string, raw: string): number | string {
  switch (propertyType(name)) {
    case 'datetime':
      return toMs(raw);
    case 'number':
      return Number(raw);
    default:
      return raw.toLowerCase();
  }
}

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function matches(record: StoredRecord, filter: Filter): boolean {
  const raw = record.properties[filter.propertyName];
  const has = raw !== null && raw !== undefined && raw !== '';
  const op: Operator = filter.operator;
  if (op === 'HAS_PROPERTY') return has;
  if (op === 'NOT_HAS_PROPERTY') return !has;
  if (!has) return op === 'NEQ' || op === 'NOT_IN';
  const value = comparable(filter.propertyName, raw);
  const other = (text: string | undefined) => comparable(filter.propertyName, text ?? '');
  switch (op) {
    case 'EQ':
      return compare(value, other(filter.value)) === 0;
    case 'NEQ':
      return compare(value, other(filter.value)) !== 0;
    case 'LT':
      return compare(value, other(filter.value)) < 0;
    case 'LTE':
      return compare(value, other(filter.value)) <= 0;
    case 'GT':
      return compare(value, other(filter.value)) > 0;
    case 'GTE':
      return compare(value, other(filter.value)) >= 0;
    case 'BETWEEN':
      return compare(value, other(filter.value)) >= 0 && compare(value, other(filter.highValue)) <= 0;
    case 'IN':
      return (filter.values ?? []).some((v) => compare(value, other(v)) === 0);
    case 'NOT_IN':
      return !(filter.values ?? []).some((v) => compare(value, other(v)) === 0);
  }
}

/** Filters within a group are ANDed, groups are ORed; no groups matches everything. */
export function matchesGroups(record: StoredRecord, groups: readonly { filters: Filter[] }[]): boolean {
  return groups.length === 0 || groups.some((group) => group.filters.every((filter) => matches(record, filter)));
}

/**
 * HubSpot documents no order among records with equal sort values, so the sandbox picks one that is stable but
 * deliberately not id order: a sync that assumes ties come by id loses records here, as it could at HubSpot.
 */
export function tieOrder(record: StoredRecord): number {
  return Math.imul(record.n, 2654435761) >>> 0;
}

/** Without a sort HubSpot answers in id order. Empty values sort last either way. */
export function compareForSort(a: StoredRecord, b: StoredRecord, sort: Sort | undefined): number {
  if (!sort) return a.n - b.n;
  const left = a.properties[sort.propertyName];
  const right = b.properties[sort.propertyName];
  let order: number;
  if (left == null || right == null) order = left == null && right == null ? 0 : left == null ? 1 : -1;
  else order = compare(comparable(sort.propertyName, left), comparable(sort.propertyName, right)) * (sort.direction === 'DESCENDING' ? -1 : 1);
  return order !== 0 ? order : tieOrder(a) - tieOrder(b);
}
