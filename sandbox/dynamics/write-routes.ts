// The Web API's writes on one environment: create (204 + OData-EntityId, or 201 with `return=representation`),
// PATCH as upsert (`If-Match: *` forbids the create, `If-None-Match: *` the update, an etag in If-Match checks the
// version), delete, and duplicate detection only when `MSCRM.SuppressDuplicateDetection: false` asks for it.
import { Router, type Request, type Response } from 'express';
import type { SandboxContext } from './context';
import { InvalidRow, type Environment, type StoredRow } from './environment';
import { dataverseError, odataError, recordNotFound } from './errors';
import { GUID } from './guid';
import { contextUrl, parsePrefer, parseSelect, projectRow, queryOptions } from './odata-request';
import { TABLES, type EntitySet } from './tables';
import { API_PATH, parseTarget, resourceNotFound } from './web-api-paths';

function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw odataError(400, 'The request body must be a JSON object of column values.');
  return body as Record<string, unknown>;
}

/** The environment validates like the control API; the Web API answers with the first problem in its own words. */
function asWebApiError(error: unknown): unknown {
  return error instanceof InvalidRow ? error.webApiError : error;
}

export function writeRoutes(context: SandboxContext, environment: Environment): Router {
  const router = Router();

  const target = (req: Request) => {
    const match = API_PATH.exec(req.path);
    if (!match) throw resourceNotFound(req.path);
    return { apiUrl: `${environment.url}/api/data/${match[1]}`, target: parseTarget(match[2] ?? '') };
  };

  const checkDuplicates = (req: Request, entitySet: EntitySet, values: Record<string, unknown>, exceptId?: string) => {
    // Duplicate detection is off for Web API calls unless the caller turns it on (MS create-entity-web-api.md).
    if (req.get('MSCRM.SuppressDuplicateDetection')?.toLowerCase() !== 'false') return;
    if (environment.findDuplicate(entitySet, values, exceptId)) {
      throw dataverseError(context.options.duplicateDetectionStatus, '0x80040333', 'A record was not created or updated because a duplicate of the current record already exists.');
    }
  };

  /** 204 with the row's URL, or the row itself when `return=representation` asked for it (201 created, 200 updated). */
  const answer = (req: Request, res: Response, apiUrl: string, entitySet: EntitySet, row: StoredRow, created: boolean) => {
    const prefer = parsePrefer(req.get('prefer'));
    if (!prefer.returnRepresentation) {
      res.status(204).set('OData-EntityId', `${apiUrl}/${entitySet}(${row.id})`).end();
      return;
    }
    const select = parseSelect(queryOptions(req.query).$select, entitySet);
    res
      .status(created ? 201 : 200)
      .set('Preference-Applied', 'return=representation')
      .json({ '@odata.context': contextUrl(apiUrl, entitySet, select, '/$entity'), ...projectRow(row, entitySet, select, context.options.secureColumnsReadable) });
  };

  router.post(API_PATH, (req, res) => {
    const { apiUrl, target: where } = target(req);
    if (where.kind !== 'collection') throw where.kind === 'unknown' ? resourceNotFound(where.segment) : dataverseError(405, '0x80060888', 'The requested operation is not supported on this resource.');
    const { entitySet } = where;
    const body = bodyOf(req);
    const primaryKey = TABLES[entitySet].primaryKey;
    const chosenId = body[primaryKey];
    if (chosenId !== undefined && (typeof chosenId !== 'string' || !GUID.test(chosenId))) throw odataError(400, `Cannot convert the literal '${String(chosenId)}' to the expected type 'Edm.Guid'.`);
    try {
      const values = environment.validate(entitySet, body);
      checkDuplicates(req, entitySet, values);
      const row = environment.create(entitySet, body, typeof chosenId === 'string' ? chosenId.toLowerCase() : undefined);
      answer(req, res, apiUrl, entitySet, row, true);
    } catch (error) {
      throw asWebApiError(error);
    }
  });

  router.patch(API_PATH, (req, res) => {
    const { apiUrl, target: where } = target(req);
    if (where.kind !== 'row') throw where.kind === 'unknown' ? resourceNotFound(where.segment) : dataverseError(405, '0x80060888', 'PATCH is supported on one row: contacts(<id>).');
    const { entitySet, id } = where;
    const logicalName = TABLES[entitySet].logicalName;
    const body = bodyOf(req);
    const bodyKey = body[TABLES[entitySet].primaryKey];
    if (bodyKey !== undefined && String(bodyKey).toLowerCase() !== id) throw dataverseError(400, '0x80040203', `The primary key in the body does not match the key in the URL: ${String(bodyKey)}.`);
    const ifMatch = req.get('if-match');
    // `If-None-Match: null` is what every client sends to defeat caching (MS compose-http-requests…md): no condition.
    const ifNoneMatch = req.get('if-none-match');
    const existing = environment.get(entitySet, id);
    if (ifMatch === '*' && !existing) throw recordNotFound(logicalName, id);
    if (ifMatch && ifMatch !== '*' && (!existing || ifMatch !== `W/"${existing.version}"`)) {
      if (!existing) throw recordNotFound(logicalName, id);
      throw dataverseError(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided.");
    }
    if (ifNoneMatch === '*' && existing) throw dataverseError(412, '0x80040237', 'A record with matching key values already exists.');
    try {
      const values = environment.validate(entitySet, body);
      checkDuplicates(req, entitySet, values, id);
      const row = existing ? environment.update(entitySet, id, body) : environment.create(entitySet, body, id);
      answer(req, res, apiUrl, entitySet, row, !existing);
    } catch (error) {
      throw asWebApiError(error);
    }
  });

  router.delete(API_PATH, (req, res) => {
    const { target: where } = target(req);
    if (where.kind !== 'row') throw where.kind === 'unknown' ? resourceNotFound(where.segment) : dataverseError(405, '0x80060888', 'DELETE is supported on one row: contacts(<id>).');
    const existing = environment.get(where.entitySet, where.id);
    if (!existing) throw recordNotFound(TABLES[where.entitySet].logicalName, where.id);
    const ifMatch = req.get('if-match');
    if (ifMatch && ifMatch !== '*' && ifMatch !== `W/"${existing.version}"`) throw dataverseError(412, '0x80060882', "The version of the existing record doesn't match the RowVersion property provided.");
    environment.delete(where.entitySet, where.id);
    res.status(204).end();
  });

  return router;
}
