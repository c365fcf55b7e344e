// Record listings on the CRM API: `GET /crm/v8/{module}` (fields required, page up to the first 2,000 records, then
// page_token; If-Modified-Since answering 304 when nothing changed; 204 on an empty module) and
// `GET /crm/v8/{module}/deleted` (recycle bin and permanent deletes, by deleted_time).
import { Router, type Request, type Response } from 'express';
import type { SandboxContext } from './context';
import { formatZohoTime } from './datetime';
import { invalidParam, zohoError } from './errors';
import { MAX_PER_PAGE, fieldsParam, modifiedSince, moduleParam, moduleScope, positiveInt, queryText, requireScope, signedInOrg, visibilityFor } from './api-request';
import { RECORD_ID } from './ids';
import type { ModuleName } from './modules';
import type { Org } from './org';
import { recordJson, userRef } from './record-json';
import { SORT_FIELDS, indexAfter, orderedRecords, positionOf, type ListQuery, type SortBy } from './record-query';

/** `page` reaches only this many records; beyond, only page_token does (ZOAS getRecords). */
export const DISCRETE_PAGING_LIMIT = 2000;
/** page_token reaches this many records at most. */
export const TOKEN_PAGING_LIMIT = 100_000;

/** The request's identity for its page tokens: every parameter but page_token, and the header, normalised. */
function queryIdentity(req: Request, module: ModuleName): string {
  const params = Object.entries(req.query)
    .filter(([key]) => key !== 'page_token' && key !== 'page')
    .map(([key, value]) => [key, String(value)])
    .sort(([a], [b]) => (a < b ? -1 : 1));
  return JSON.stringify([module, params, req.get('if-modified-since') ?? null]);
}

function sortParams(req: Request): { sortBy: SortBy; sortOrder: 'asc' | 'desc' } {
  const sortBy = queryText(req, 'sort_by') ?? 'id';
  if (!(SORT_FIELDS as readonly string[]).includes(sortBy)) throw invalidParam('sort_by', 'invalid data', { supported_values: [...SORT_FIELDS] });
  const sortOrder = queryText(req, 'sort_order') ?? 'desc';
  if (sortOrder !== 'asc' && sortOrder !== 'desc') throw invalidParam('sort_order', 'invalid data', { supported_values: ['asc', 'desc'] });
  return { sortBy: sortBy as SortBy, sortOrder };
}

function idsParam(req: Request): Set<string> | null {
  const raw = queryText(req, 'ids');
  if (raw === undefined) return null;
  const ids = raw.split(',').map((id) => id.trim());
  if (ids.length > 100 || ids.some((id) => !RECORD_ID.test(id))) throw invalidParam('ids');
  return new Set(ids);
}

export function recordRoutes(context: SandboxContext): Router {
  const router = Router();

  router.get('/crm/v8/:module/deleted', (req, res) => {
    const module = moduleParam(req);
    requireScope(res, moduleScope(module), 'READ');
    listDeleted(context, signedInOrg(res), module, req, res);
  });

  router.get('/crm/v8/:module', (req, res) => {
    const module = moduleParam(req);
    requireScope(res, moduleScope(module), 'READ');
    listRecords(context, signedInOrg(res), module, req, res);
  });

  return router;
}

function listRecords(context: SandboxContext, org: Org, module: ModuleName, req: Request, res: Response): void {
  const fields = fieldsParam(req, module, true);
  const perPage = positiveInt(req, 'per_page', MAX_PER_PAGE, MAX_PER_PAGE);
  const pageToken = queryText(req, 'page_token');
  if (pageToken !== undefined && req.query.page !== undefined) {
    throw zohoError(400, 'AMBIGUITY_DURING_PROCESSING', 'ambiguity while processing the request', { ambiguity_due_to: [{ param_name: 'page' }, { param_name: 'page_token' }] });
  }
  const { sortBy, sortOrder } = sortParams(req);
  const query: ListQuery = { module, sortBy, sortOrder, modifiedSinceMs: modifiedSince(req), inclusive: context.options.ifModifiedSinceInclusive, ids: idsParam(req) };
  const identity = queryIdentity(req, module);

  let page: number;
  let served: number;
  let start: number;
  let limit: number;
  const records = orderedRecords(org, query);
  if (pageToken !== undefined) {
    const entry = context.pageTokens.read(pageToken, org.name, identity, org.clock.now());
    if (entry.served >= TOKEN_PAGING_LIMIT) throw zohoError(400, 'PAGINATION_LIMIT_EXCEEDED', `You can only get upto ${TOKEN_PAGING_LIMIT} records using page_token param`, { param_name: 'page_token' });
    ({ page, served } = entry);
    start = indexAfter(records, entry.position, query);
    limit = Math.min(perPage, TOKEN_PAGING_LIMIT - served);
  } else {
    page = positiveInt(req, 'page', 1);
    served = (page - 1) * perPage;
    if (served >= DISCRETE_PAGING_LIMIT) {
      throw zohoError(400, 'DISCRETE_PAGINATION_LIMIT_EXCEEDED', `You can only get the first ${DISCRETE_PAGING_LIMIT} records without using page_token param`, { limit: DISCRETE_PAGING_LIMIT });
    }
    // Plain offsets, as discrete pages are: records that move while a client pages shift the pages after them.
    start = served;
    limit = Math.min(perPage, DISCRETE_PAGING_LIMIT - served);
  }

  if (org.recordCount(module) === 0) return void res.status(204).end();
  if (records.length === 0 && query.modifiedSinceMs !== null) return void res.status(304).end();
  const slice = records.slice(start, start + limit);
  if (slice.length === 0) return void res.status(204).end();

  const moreRecords = start + slice.length < records.length;
  let nextPageToken: string | null = null;
  let expiry: string | null = null;
  if (moreRecords) {
    const expiresAt = org.clock.now() + context.options.pageTokenLifetimeMs;
    nextPageToken = context.pageTokens.issue({ org: org.name, query: identity, page: page + 1, served: served + slice.length, position: positionOf(slice[slice.length - 1], sortBy), expiresAt });
    expiry = formatZohoTime(Math.floor(expiresAt / 1000), org.offsetMinutes);
  }
  const visibility = visibilityFor(context, module);
  res.json({
    data: slice.map((record) => recordJson(org, module, record, fields, visibility)),
    info: {
      call: false,
      per_page: perPage,
      next_page_token: nextPageToken,
      count: slice.length,
      sort_by: sortBy,
      page,
      page_token_expiry: expiry,
      sort_order: sortOrder,
      email: false,
      more_records: moreRecords,
      previous_page_token: null,
    },
  });
}

function listDeleted(context: SandboxContext, org: Org, module: ModuleName, req: Request, res: Response): void {
  const type = queryText(req, 'type') ?? 'all';
  if (type !== 'all' && type !== 'recycle' && type !== 'permanent') throw invalidParam('type', 'invalid data', { supported_values: ['all', 'recycle', 'permanent'] });
  const perPage = positiveInt(req, 'per_page', MAX_PER_PAGE, MAX_PER_PAGE);
  const page = positiveInt(req, 'page', 1);
  const since = modifiedSince(req);
  const inclusive = context.options.ifModifiedSinceInclusive;
  const matched = org
    .tombstones(module)
    .filter((t) => (type === 'all' || t.type === type) && (since === null || (inclusive ? t.deletedSec >= Math.floor(since / 1000) : t.deletedSec * 1000 > since)))
    .sort((a, b) => b.deletedSec - a.deletedSec || (a.id < b.id ? 1 : -1));
  const slice = matched.slice((page - 1) * perPage, page * perPage);
  if (slice.length === 0) return void res.status(204).end();
  const user = userRef(org);
  res.json({
    data: slice.map((t) => ({
      deleted_by: t.type === 'recycle' ? { name: user.name, id: user.id } : null,
      id: t.id,
      display_name: t.displayName,
      type: t.type,
      created_by: t.type === 'recycle' ? { name: user.name, id: user.id } : null,
      deleted_time: formatZohoTime(t.deletedSec, org.offsetMinutes),
    })),
    info: { per_page: perPage, count: slice.length, page, more_records: page * perPage < matched.length },
  });
}
