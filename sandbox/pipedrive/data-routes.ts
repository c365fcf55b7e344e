// The API a company host serves ({domain}.pipedrive.com): bearer tokens bound to that one company, scopes, the
// token budget and burst limits with their headers, `/api/v1/users/me`, the v2 lists with cursors, sorting and
// `updated_since`, one record by id, field discovery, search — and the retired v1 lists.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { CompanyHost, SandboxContext } from './context';
import { encodeCursor, decodeCursor, decodeOffset, encodeOffset, type SortBy, type SortDirection } from './cursors';
import type { Endpoint } from './endpoints';
import { CloudflareBlock, apiError, notFound, paymentRequired, scopeMismatch, tooManyRequests, unauthorized, validationFailed } from './errors';
import { ENTITY, isObject, toApiField, type PipedriveObject } from './fields';
import { LIST_LIMIT_DEFAULT, LIST_LIMIT_MAX, commaList, flag, idList, integer, objectOf, oneOf, optionalString, pathId, timestamp } from './query-params';
import type { SearchDocument } from './search-index';
import { webhookRoutes } from './webhook-routes';
import { writeRoutes } from './write-routes';

const SEARCH_LIMIT_MAX = 100;
const SEARCH_FIELDS: Record<PipedriveObject, (keyof SearchDocument)[]> = {
  persons: ['custom_fields', 'email', 'notes', 'phone', 'name'],
  organizations: ['address', 'custom_fields', 'notes', 'name'],
};

export function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match ? match[1] : null;
}

/** Runs before authentication: what Cloudflare and retired endpoints answer whoever asks. */
export function edgeRoutes(context: SandboxContext, host: CompanyHost): Router {
  const router = Router();
  router.use((_req: Request, res: Response, next: NextFunction) => {
    if (!context.rateLimits.blocked(host.company.domain)) return next();
    context.stats.refused('cloudflare');
    next(new CloudflareBlock());
  });
  router.get('/api/v1/:object', (req, _res, next) => {
    if (!isObject(String(req.params.object))) return next();
    // The v1 list endpoints were deprecated in 2025 and are gone from the official SDK; what they answer now is unconfirmed.
    if (context.options.retiredV1Lists === 'gone') throw apiError(410, 'This endpoint is no longer available. Please use the v2 endpoint instead.');
    throw apiError(404, 'Unknown method .');
  });
  return router;
}

/** A token works only on its own company's host, and only for the scopes the app was given. */
export function authenticate(context: SandboxContext, host: CompanyHost) {
  return (req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const outcome = token ? context.sessions.authenticate(token) : null;
    if (!token || !outcome || !outcome.ok) return next(unauthorized());
    if (outcome.grant.company !== host.company.domain) return next(unauthorized());
    if (context.faults.isAccountClosed()) return next(paymentRequired());
    const endpoint = res.locals.endpoint as Endpoint;
    if (endpoint.scopes.length > 0 && !endpoint.scopes.some((scope) => outcome.grant.scopes.includes(scope))) {
      context.stats.refused('scope');
      return next(scopeMismatch());
    }
    res.locals.grant = outcome.grant;
    res.locals.token = token;
    next();
  };
}

export function rateLimited(context: SandboxContext, host: CompanyHost) {
  return (_req: Request, res: Response, next: NextFunction) => {
    const endpoint = res.locals.endpoint as Endpoint;
    const { refusedBy, headers } = context.rateLimits.admit(host.limits, String(res.locals.token), endpoint.cost, endpoint.isSearch === true);
    res.set(headers);
    if (!refusedBy) return next();
    context.stats.refused(refusedBy);
    next(tooManyRequests(headers));
  };
}

export function dataRoutes(context: SandboxContext, host: CompanyHost): Router {
  const router = Router();
  const { company } = host;

  router.get('/api/v1/users/me', (_req, res) => {
    const user = company.user(res.locals.grant.userId as number) ?? company.admin;
    res.json({
      success: true,
      data: {
        id: user.id,
        name: user.name,
        email: user.email,
        default_currency: 'EUR',
        locale: 'en_US',
        lang: 1,
        activated: true,
        active_flag: true,
        is_admin: user.isAdmin ? 1 : 0,
        is_you: true,
        timezone_name: 'Europe/Tallinn',
        company_id: company.id,
        company_name: company.name,
        company_domain: company.domain,
        company_country: 'EE',
        language: { language_code: 'en', country_code: 'US' },
      },
    });
  });

  router.use(webhookRoutes(context, host));
  router.use(writeRoutes(context, host));

  for (const [path, object] of [['personFields', 'persons'], ['organizationFields', 'organizations']] as const) {
    router.get(`/api/v2/${path}`, (req, res) => {
      const limit = integer(req, 'limit', { min: 1, max: LIST_LIMIT_MAX, fallback: LIST_LIMIT_DEFAULT }) as number;
      const cursor = optionalString(req, 'cursor');
      const offset = cursor === undefined ? 0 : decodeOffset(cursor);
      const fields = company.fields.list(object);
      const end = Math.min(fields.length, offset + limit);
      res.json({ success: true, data: fields.slice(offset, end).map(toApiField), additional_data: { next_cursor: end < fields.length ? encodeOffset(end) : null } });
    });
  }

  router.get('/api/v2/:object', (req, res) => {
    const object = objectOf(req);
    const sortBy = oneOf<SortBy>(req, 'sort_by', ['id', 'update_time', 'add_time'], 'id');
    const direction = oneOf<SortDirection>(req, 'sort_direction', ['asc', 'desc'], 'asc');
    const limit = integer(req, 'limit', { min: 1, max: LIST_LIMIT_MAX, fallback: LIST_LIMIT_DEFAULT }) as number;
    const cursor = optionalString(req, 'cursor');
    const customFields = commaList(req, 'custom_fields', 15);
    const { records, next } = company.listPage(object, {
      sortBy,
      direction,
      after: cursor === undefined ? null : decodeCursor(cursor, sortBy, direction),
      limit,
      sinceMs: timestamp(req, 'updated_since'),
      untilMs: timestamp(req, 'updated_until'),
      ids: idList(req, 'ids', 100),
      ownerId: integer(req, 'owner_id', { min: 1, max: Number.MAX_SAFE_INTEGER }),
      orgId: object === 'persons' ? integer(req, 'org_id', { min: 1, max: Number.MAX_SAFE_INTEGER }) : null,
    });
    const render = { customFields: customFields ? new Set(customFields) : null, optionLabels: flag(req, 'include_option_labels') };
    res.json({ success: true, data: records.map((record) => company.item(record, render)), additional_data: { next_cursor: next ? encodeCursor(next) : null } });
  });

  router.get('/api/v2/:object/search', (req, res) => {
    const object = objectOf(req);
    const exactMatch = flag(req, 'exact_match');
    const term = optionalString(req, 'term');
    if (term === undefined) throw validationFailed('term', 'Parameter is required');
    if (term.length < (exactMatch ? 1 : 2)) throw validationFailed('term', `must be at least ${exactMatch ? 1 : 2} characters long`);
    const allowed = SEARCH_FIELDS[object];
    const named = commaList(req, 'fields', allowed.length) ?? allowed;
    const unknown = named.filter((field) => !(allowed as string[]).includes(field));
    if (unknown.length > 0) throw validationFailed('fields', `must be among ${allowed.join(', ')}`);
    const limit = integer(req, 'limit', { min: 1, max: SEARCH_LIMIT_MAX, fallback: SEARCH_LIMIT_MAX }) as number;
    const cursor = optionalString(req, 'cursor');
    const offset = cursor === undefined ? 0 : decodeOffset(cursor);
    const organizationId = object === 'persons' ? integer(req, 'organization_id', { min: 1, max: Number.MAX_SAFE_INTEGER }) : null;
    const found = company.search(object, { term, fields: new Set(named as (keyof SearchDocument)[]), exactMatch, organizationId });
    const end = Math.min(found.length, offset + limit);
    const items = found.slice(offset, end).map(({ record, score, document }) => {
      const org = record.values.org_id ? company.find('organizations', record.values.org_id) : undefined;
      const base = { id: record.id, type: ENTITY[object], name: document.name[0], visible_to: record.values.visible_to, owner: { id: record.values.owner_id }, custom_fields: document.custom_fields, notes: document.notes };
      const item =
        object === 'persons'
          ? { ...base, phones: document.phone, emails: document.email, organization: org ? { id: org.id, name: org.values.name, address: org.values.address?.value ?? null } : null }
          : { ...base, address: document.address[0] ?? null };
      return { result_score: score, item };
    });
    res.json({ success: true, data: { items }, additional_data: { next_cursor: end < found.length ? encodeOffset(end) : null } });
  });

  router.get('/api/v2/:object/:id', (req, res) => {
    const object = objectOf(req);
    const record = company.find(object, pathId(String(req.params.id)));
    const what = object === 'persons' ? 'Person' : 'Organization';
    if (!record || (record.deletedMs !== null && context.options.deletedRecordRead === 'not_found')) throw notFound(what);
    res.json({ success: true, data: company.item(record, { customFields: null, optionLabels: flag(req, 'include_option_labels') }) });
  });

  return router;
}
