// The REST data API under /services/data: bearer sessions, the daily allowance, query/queryAll/queryMore and limits.
import { Router, type NextFunction, type Request, type Response } from 'express';
import type { SandboxContext } from './context';
import { apiError, invalidLocator, invalidSession } from './errors';
import { OBJECT_FIELDS, canonicalObject, type FieldDefinition, type FieldType, type SalesforceObject } from './fields';
import { toId18 } from './ids';
import type { QueryCursor } from './query-locators';
import { executeSoql, parseSoql, projectRecord, type HiddenFields } from './soql';
import { writeRoutes } from './write-routes';

const API_VERSION = /^v\d{2,3}\.\d$/;
const LOCATOR = /^(01g[A-Za-z0-9]{15})-(\d+)$/;
const DEFAULT_BATCH_SIZE = 2000;

const notFound = () => apiError(404, 'NOT_FOUND', 'The requested resource does not exist');

/** `Sforce-Query-Options: batchSize=N`, clamped to 200..2000 as Salesforce does; anything unreadable means the default. */
export function batchSizeOf(header: string | undefined): number | undefined {
  const match = header ? /batchSize\s*=\s*(\d+)/i.exec(header) : null;
  if (!match) return undefined;
  return Math.min(2000, Math.max(200, Number(match[1])));
}

export function bearerToken(req: Request): string | null {
  const header = req.get('authorization') ?? '';
  const match = /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(header);
  return match ? match[1] : null;
}

function sessionOf(res: Response): { id: string; grantId: string } {
  return res.locals.session as { id: string; grantId: string };
}

export function dataRoutes(context: SandboxContext): Router {
  const router = Router();
  const { sessions, usage, org, locators } = context;

  router.use((req, res, next) => {
    const accessToken = bearerToken(req);
    const session = accessToken ? sessions.authenticate(accessToken) : null;
    if (!session) return next(invalidSession());
    res.locals.session = session;
    if (!usage.consume()) return next(apiError(403, 'REQUEST_LIMIT_EXCEEDED', 'TotalRequests Limit exceeded.'));
    res.set('Sforce-Limit-Info', usage.header());
    next();
  });

  router.param('version', (_req: Request, _res: Response, next: NextFunction, version: string) => {
    next(API_VERSION.test(version) ? undefined : notFound());
  });

  const hidden: HiddenFields = (object, field) =>
    (context.options.hiddenFields[object] ?? []).some((name) => name.toLowerCase() === field.name.toLowerCase());

  const firstPage = (includeDeleted: boolean) => (req: Request, res: Response) => {
    const soql = typeof req.query.q === 'string' ? req.query.q : '';
    const query = parseSoql(soql, hidden);
    const rows = executeSoql(org, query, { includeDeleted });
    const batchSize = batchSizeOf(req.get('sforce-query-options')) ?? DEFAULT_BATCH_SIZE;
    const session = sessionOf(res);
    const version = req.params.version as string;
    if (rows.length <= batchSize) {
      res.json({ totalSize: rows.length, done: true, records: rows.map((row) => projectRecord(row, query.object, query.fields, version)) });
      return;
    }
    const cursor = locators.open({
      object: query.object,
      fields: query.fields,
      rows,
      batchSize,
      sessionId: session.id,
      grantId: session.grantId,
      expiresAt: Date.now() + context.options.queryLocatorTtlMs,
    });
    res.json(page(cursor, 0, batchSize, version, context.options.nextRecordsOrigin));
  };

  const nextPage = (req: Request, res: Response) => {
    const match = LOCATOR.exec(req.params.locator as string);
    if (!match) throw invalidLocator();
    const cursor = locators.fetch(match[1], (sessionId) => sessions.isSessionLive(sessionId));
    const offset = Number(match[2]);
    if (offset <= 0 || offset >= cursor.rows.length) throw invalidLocator();
    const batchSize = batchSizeOf(req.get('sforce-query-options')) ?? cursor.batchSize;
    const body = page(cursor, offset, batchSize, req.params.version as string, context.options.nextRecordsOrigin);
    if (body.done) locators.release(cursor.id);
    res.json(body);
  };

  router.get('/:version/query', firstPage(false));
  router.get('/:version/queryAll', firstPage(true));
  router.get('/:version/query/:locator', nextPage);
  router.get('/:version/queryAll/:locator', nextPage);

  router.get('/:version/limits', (_req, res) => {
    const { used, limit } = usage.current();
    res.json({
      DailyApiRequests: { Max: limit, Remaining: Math.max(0, limit - used) },
      DailyBulkApiBatches: { Max: 15000, Remaining: 15000 },
      DataStorageMB: { Max: 1024, Remaining: 1024 },
    });
  });

  // What the integration user may read of an object: the fields field-level security hides are left out.
  router.get(['/:version/sobjects/:object/describe', '/:version/sobjects/:object/describe/'], (req, res) => {
    const object = canonicalObject(req.params.object as string);
    if (!object) throw notFound();
    const fields = OBJECT_FIELDS[object].filter((field) => !hidden(object, field));
    res.set('Last-Modified', DESCRIBED_AT).json({ name: object, label: object, custom: false, queryable: true, fields: fields.map((field) => describeField(object, field)) });
  });
  router.use(writeRoutes(context));

  router.get('/:version/sobjects/:object/:id', (req, res) => {
    const object = canonicalObject(req.params.object as string);
    if (!object) throw notFound();
    const record = org.get(object, toId18(req.params.id as string));
    if (!record || record.IsDeleted) throw notFound();
    const { Id, ...rest } = record;
    res.json({ attributes: { type: object, url: `/services/data/${req.params.version as string}/sobjects/${object}/${Id}` }, Id, ...rest });
  });

  router.use(() => {
    throw notFound();
  });
  return router;
}

/** The org's metadata is not versioned here: one fixed date for Last-Modified. */
const DESCRIBED_AT = new Date(Date.UTC(2026, 0, 1)).toUTCString();

const DESCRIBE_TYPE: Record<FieldType, string> = {
  id: 'id', reference: 'reference', string: 'string', boolean: 'boolean', datetime: 'datetime', date: 'date', double: 'double', int: 'int',
};

/** A field as describe lists it: the subset of its many attributes a client reads. */
function describeField(object: SalesforceObject, field: FieldDefinition) {
  const writable = !field.system;
  return {
    name: field.name,
    label: field.name.replace(/__c$/, '').replace(/([a-z])([A-Z])/g, '$1 $2'),
    type: DESCRIBE_TYPE[field.type],
    custom: field.custom === true,
    nillable: !field.required && field.type !== 'boolean' && field.name !== 'Id',
    filterable: true,
    sortable: true,
    calculated: false,
    createable: writable,
    updateable: writable,
    referenceTo: field.type === 'reference' ? ['Account'] : [],
    length: field.type === 'string' ? 255 : 0,
    ...(object === 'Contact' && field.name === 'AccountId' ? { relationshipName: 'Account' } : {}),
  };
}

/** `nextOrigin`: '' for Salesforce's relative next URL, else an absolute one on that origin (a hostile-org test knob). */
function page(cursor: QueryCursor, offset: number, batchSize: number, version: string, nextOrigin: string) {
  const end = Math.min(cursor.rows.length, offset + batchSize);
  const records = new Array<Record<string, unknown>>(end - offset);
  for (let i = offset; i < end; i++) records[i - offset] = projectRecord(cursor.rows[i], cursor.object, cursor.fields, version);
  const done = end >= cursor.rows.length;
  return {
    totalSize: cursor.rows.length,
    done,
    ...(done ? {} : { nextRecordsUrl: `${nextOrigin.replace(/\/$/, '')}/services/data/${version}/query/${cursor.id}-${end}` }),
    records,
  };
}
