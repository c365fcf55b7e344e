// Record writes on the CRM API: insert (`POST /crm/v8/{module}`), update (`PUT /crm/v8/{module}/{id}` or with
// `data[].id`), and upsert (`POST /crm/v8/{module}/upsert`, matching on `duplicate_check_fields`). Each takes up to
// 100 records and answers one `{code, details, message, status}` per record: 201/200 all done, 207 mixed, 400 none.
import { Router, type Request, type Response } from 'express';
import type { SandboxContext } from './context';
import { formatZohoTime } from './datetime';
import { errorBody, zohoError, type ZohoErrorBody } from './errors';
import { moduleParam, moduleScope, requireScope, signedInOrg } from './api-request';
import { RECORD_ID } from './ids';
import { MODULE_DEFINITIONS, fieldOf, type ModuleName } from './modules';
import type { Org, StoredRecord } from './org';
import { checkRecord } from './record-values';
import { userRef } from './record-json';

export const MAX_WRITE_RECORDS = 100;
const TRIGGERS = new Set(['workflow', 'approval', 'blueprint', 'pathfinder', 'orchestration']);

type Outcome = ({ code: 'SUCCESS'; details: Record<string, unknown>; message: string; status: 'success' } & Record<string, unknown>) | ZohoErrorBody;

/** The `data` array of a write, checked as a whole before any record is. */
function dataOf(req: Request): unknown[] {
  const body = req.body as { data?: unknown; trigger?: unknown } | undefined;
  if (!body || typeof body !== 'object' || !Array.isArray(body.data) || body.data.length === 0) {
    throw zohoError(400, 'MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'data', json_path: '$.data' });
  }
  if (body.data.length > MAX_WRITE_RECORDS) throw zohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_WRITE_RECORDS, api_name: 'data', json_path: '$.data' });
  // `trigger` omitted runs every automation, `[]` none; the sandbox runs no automations either way, but checks it.
  if (body.trigger !== undefined && (!Array.isArray(body.trigger) || body.trigger.some((t) => typeof t !== 'string' || !TRIGGERS.has(t)))) {
    throw zohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'trigger', json_path: '$.trigger', supported_values: [...TRIGGERS] });
  }
  return body.data;
}

function successDetails(org: Org, record: StoredRecord): Record<string, unknown> {
  const user = userRef(org);
  return {
    Modified_Time: formatZohoTime(record.modifiedSec, org.offsetMinutes),
    Modified_By: { name: user.name, id: user.id },
    Created_Time: formatZohoTime(record.createdSec, org.offsetMinutes),
    id: record.id,
    Created_By: { name: user.name, id: user.id },
    $approval_state: 'approved',
  };
}

function answer(res: Response, outcomes: Outcome[], allDoneStatus: number): void {
  const done = outcomes.filter((outcome) => outcome.status === 'success').length;
  res.status(done === outcomes.length ? allDoneStatus : done === 0 ? 400 : 207).json({ data: outcomes });
}

export function writeRoutes(context: SandboxContext): Router {
  const router = Router();

  const checkContext = (org: Org, module: ModuleName, index: number, insert: boolean) => ({
    module,
    index,
    insert,
    unknownFields: context.options.unknownFieldsOnWrite,
    exists: (target: ModuleName, id: string) => org.exists(target, id),
  });

  /** A value repeated in a field marked unique, as DUPLICATE_DATA naming the record that has it. */
  const duplicateOf = (org: Org, module: ModuleName, values: Record<string, unknown>, index: number, exceptId?: string): ZohoErrorBody | null => {
    for (const apiName of context.options.uniqueFields[module] ?? []) {
      if (!(apiName in values)) continue;
      const existing = org.findByField(module, apiName, values[apiName], exceptId);
      if (!existing) continue;
      return errorBody('DUPLICATE_DATA', 'duplicate data', {
        api_name: apiName,
        json_path: `$.data[${index}].${apiName}`,
        duplicate_record: { Owner: { name: userRef(org).name, id: org.user.id, zuid: org.user.zuid }, module: { api_name: module, id: org.moduleIds[module] }, id: existing.id },
        id: existing.id,
        more_records: false,
      });
    }
    return null;
  };

  const insertOne = (org: Org, module: ModuleName, input: unknown, index: number): Outcome => {
    const checked = checkRecord(input, checkContext(org, module, index, true));
    if (!checked.ok) return checked.problems[0];
    const duplicate = duplicateOf(org, module, checked.values, index);
    if (duplicate) return duplicate;
    return { code: 'SUCCESS', details: successDetails(org, org.create(module, checked.values)), message: 'record added', status: 'success' };
  };

  const updateOne = (org: Org, module: ModuleName, id: unknown, input: unknown, index: number): Outcome => {
    if (id === undefined || id === null || id === '') return errorBody('MANDATORY_NOT_FOUND', 'required field not found', { api_name: 'id', json_path: `$.data[${index}].id` });
    if (typeof id !== 'string' || !RECORD_ID.test(id) || !org.exists(module, id)) return errorBody('INVALID_DATA', 'the id given seems to be invalid', { api_name: 'id', json_path: `$.data[${index}].id` });
    const checked = checkRecord(input, checkContext(org, module, index, false));
    if (!checked.ok) return checked.problems[0];
    const duplicate = duplicateOf(org, module, checked.values, index, id);
    if (duplicate) return duplicate;
    return { code: 'SUCCESS', details: successDetails(org, org.update(module, id, checked.values)), message: 'record updated', status: 'success' };
  };

  router.post('/crm/v8/:module/upsert', (req, res) => {
    const module = moduleParam(req);
    requireScope(res, moduleScope(module), 'CREATE');
    requireScope(res, moduleScope(module), 'UPDATE');
    const org = signedInOrg(res);
    const data = dataOf(req);
    const checkFields = duplicateCheckFields(context, module, (req.body as { duplicate_check_fields?: unknown }).duplicate_check_fields);
    const outcomes = data.map((input, index): Outcome => {
      const record = typeof input === 'object' && input !== null ? (input as Record<string, unknown>) : {};
      // The first duplicate check field the record has a value for and another record shares decides.
      for (const apiName of checkFields) {
        const match = org.findByField(module, apiName, fieldOf(module, apiName)?.dataType === 'lookup' ? lookupId(record[apiName]) : record[apiName]);
        if (!match) continue;
        const updated = updateOne(org, module, match.id, input, index);
        return updated.status === 'success' ? { ...updated, duplicate_field: apiName, action: 'update' } : updated;
      }
      const inserted = insertOne(org, module, input, index);
      return inserted.status === 'success' ? { ...inserted, duplicate_field: null, action: 'insert' } : inserted;
    });
    answer(res, outcomes, 200);
  });

  router.post('/crm/v8/:module', (req, res) => {
    const module = moduleParam(req);
    requireScope(res, moduleScope(module), 'CREATE');
    const org = signedInOrg(res);
    answer(res, dataOf(req).map((input, index) => insertOne(org, module, input, index)), 201);
  });

  router.put('/crm/v8/:module/:id', (req, res) => {
    const module = moduleParam(req);
    requireScope(res, moduleScope(module), 'UPDATE');
    const org = signedInOrg(res);
    const data = dataOf(req);
    if (data.length !== 1) throw zohoError(400, 'INVALID_DATA', 'only one record can be updated by its id', { api_name: 'data', json_path: '$.data' });
    answer(res, [updateOne(org, module, String(req.params.id), data[0], 0)], 200);
  });

  router.put('/crm/v8/:module', (req, res) => {
    const module = moduleParam(req);
    requireScope(res, moduleScope(module), 'UPDATE');
    const org = signedInOrg(res);
    answer(res, dataOf(req).map((input, index) => updateOne(org, module, (input as { id?: unknown } | null)?.id, input, index)), 200);
  });

  return router;
}

const lookupId = (value: unknown): unknown => (typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : value);

/** Upsert's match order: the fields named (each must exist), else the module's system-defined ones then its unique ones. */
function duplicateCheckFields(context: SandboxContext, module: ModuleName, raw: unknown): string[] {
  if (raw === undefined) return [...new Set([...MODULE_DEFINITIONS[module].duplicateCheckFields, ...(context.options.uniqueFields[module] ?? [])])];
  if (!Array.isArray(raw) || raw.length === 0 || raw.some((name) => typeof name !== 'string' || !fieldOf(module, name))) {
    throw zohoError(400, 'INVALID_DATA', 'invalid data', { api_name: 'duplicate_check_fields', json_path: '$.duplicate_check_fields' });
  }
  return raw as string[];
}
