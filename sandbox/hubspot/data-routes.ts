// The CRM v3 objects API: bearer tokens, burst limits with their headers, the id-ordered list with `after` cursors
// (live or archived records), reading one record, and search with its 10,000-result window.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { SandboxContext } from './context';
import { crmError, expiredToken, missingCredentials, rateLimited, validationError } from './errors';
import { SEARCH_RESULT_CAP, toApiRecord } from './portal';
import { OBJECT_DEFINITIONS, isObject, knownProperties, propertyType, type HubSpotObject } from './properties';
import { parseSearchRequest } from './search';
import { writeRoutes } from './write-routes';

export const LIST_LIMIT_MAX = 100;

export function bearerToken(req: Request): string | null {
  const match = /^Bearer\s+(\S+)$/i.exec(req.get('authorization') ?? '');
  return match ? match[1] : null;
}

/** `after` on the list endpoint is opaque to clients: the next record's id, base64url-encoded. */
const encodeAfter = (n: number) => Buffer.from(String(n)).toString('base64url');
function decodeAfter(after: string): number {
  const n = Number(Buffer.from(after, 'base64url').toString('utf8'));
  if (!Number.isInteger(n) || n < 0) throw validationError(`Invalid paging cursor "after": ${after}`);
  return n;
}

function objectOf(req: Request): HubSpotObject {
  const object = String(req.params.object);
  if (!isObject(object)) throw crmError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${object}`);
  return object;
}

function propertiesParam(value: unknown, object: HubSpotObject): string[] {
  const raw = Array.isArray(value) ? value.join(',') : typeof value === 'string' ? value : '';
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  return names.length > 0 ? names : [...OBJECT_DEFINITIONS[object].defaultProperties];
}

export function dataRoutes(context: SandboxContext): Router {
  const router = Router();
  const { sessions, portal, rateLimits } = context;

  router.use((req: Request, res: Response, next: NextFunction) => {
    const token = bearerToken(req);
    const outcome = token ? sessions.authenticate(token) : ({ ok: false, reason: 'unknown' } as const);
    if (!outcome.ok) return next(outcome.reason === 'expired' ? expiredToken() : missingCredentials());
    res.set(rateLimits.currentHeaders());
    next();
  });
  router.use(context.faults.middleware());
  router.use((_req: Request, res: Response, next: NextFunction) => {
    const { refusedBy, headers } = rateLimits.admit(res.locals.kind === 'search');
    res.set(headers);
    if (refusedBy) {
      context.stats.refused(refusedBy);
      return next(rateLimited(refusedBy));
    }
    next();
  });

  // The object's properties as the CRM properties API lists them; every one of them is HubSpot's own here.
  router.get('/crm/v3/properties/:object', (req, res) => {
    const object = objectOf(req);
    const results = [...knownProperties(object)].sort().map((name) => {
      const type = propertyType(name);
      return {
        name,
        label: name,
        type,
        fieldType: type === 'datetime' ? 'date' : type === 'number' ? 'number' : 'text',
        groupName: object === 'contacts' ? 'contactinformation' : 'companyinformation',
        hidden: false,
        calculated: false,
        hubspotDefined: true,
        modificationMetadata: { archivable: true, readOnlyValue: name === 'hs_object_id' || name === 'createdate' },
      };
    });
    res.json({ results });
  });
  router.use(writeRoutes(context));

  router.get('/crm/v3/objects/:object', (req, res) => {
    const object = objectOf(req);
    const limit = req.query.limit === undefined ? 10 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > LIST_LIMIT_MAX) throw validationError(`limit must be between 1 and ${LIST_LIMIT_MAX}, but was ${String(req.query.limit)}`);
    const after = typeof req.query.after === 'string' && req.query.after !== '' ? decodeAfter(req.query.after) : 0;
    const archived = req.query.archived === 'true';
    const properties = propertiesParam(req.query.properties, object);
    const { results, nextN } = portal.listPage(object, { fromN: after, limit, archived, properties });
    const query = new URLSearchParams({ limit: String(limit), ...(archived ? { archived: 'true' } : {}) });
    res.json({
      results,
      ...(nextN === null
        ? {}
        : { paging: { next: { after: encodeAfter(nextN), link: `${context.url()}/crm/v3/objects/${object}?${query}&after=${encodeAfter(nextN)}` } } }),
    });
  });

  router.post('/crm/v3/objects/:object/search', (req, res) => {
    const object = objectOf(req);
    const request = parseSearchRequest(req.body, SEARCH_RESULT_CAP, () => context.stats.refused('searchCap'));
    const matched = portal.search(object, request, Date.now() - context.options.searchIndexLagMs);
    const end = Math.min(matched.length, request.offset + request.limit, SEARCH_RESULT_CAP);
    const properties = request.properties && request.properties.length > 0 ? request.properties : [...OBJECT_DEFINITIONS[object].defaultProperties];
    const results = [];
    for (let i = request.offset; i < end; i++) results.push(toApiRecord(object, matched[i], properties));
    // The page that ends at the cap still offers a next page: asking for it is the 400.
    res.json({ total: matched.length, results, ...(end < matched.length ? { paging: { next: { after: String(end) } } } : {}) });
  });

  router.get('/crm/v3/objects/:object/:id', (req, res) => {
    const object = objectOf(req);
    const record = portal.read(object, String(req.params.id), propertiesParam(req.query.properties, object), req.query.archived === 'true');
    if (!record) throw crmError(404, 'OBJECT_NOT_FOUND', 'resource not found');
    res.json(record);
  });

  router.use(() => {
    throw crmError(404, 'NOT_FOUND', 'resource not found');
  });
  return router;
}
