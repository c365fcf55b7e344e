// The sObject describe and write endpoints: describe an object, create a record, update one; answered as Salesforce does.
import { Router, type Request } from 'express';
import { SandboxHttpError } from '../common/errors';
import type { SandboxContext } from './context';
import { apiError } from './errors';
import { OBJECT_FIELDS, canonicalObject, type FieldType, type SalesforceObject } from './fields';
import { toId18 } from './ids';

const API_VERSION = /^v\d{2,3}\.\d$/;

const DESCRIBE_TYPES: Record<FieldType, string> = {
  id: 'id',
  reference: 'reference',
  string: 'string',
  boolean: 'boolean',
  datetime: 'datetime',
  date: 'date',
  double: 'double',
  int: 'int',
};

function objectOf(req: Request): SalesforceObject {
  if (!API_VERSION.test(String(req.params.version))) throw apiError(404, 'NOT_FOUND', 'The requested resource does not exist');
  const object = canonicalObject(String(req.params.object));
  if (!object) throw apiError(404, 'NOT_FOUND', `The requested resource does not exist`);
  return object;
}

/**
 * The org validates like the control API (`{error, fields}`); the REST API words the same problems its own way:
 * `[{message, errorCode, fields}]`, REQUIRED_FIELD_MISSING or INVALID_FIELD.
 */
function asRestError(error: unknown): unknown {
  if (!(error instanceof SandboxHttpError) || error.status !== 400) return error;
  const body = error.body as { fields?: { field: string; message: string }[] };
  if (!Array.isArray(body?.fields)) return error;
  const errors = body.fields.map(({ field, message }) => ({
    message: message === 'Required fields are missing' ? `Required fields are missing: [${field}]` : message,
    errorCode: message === 'Required fields are missing' ? 'REQUIRED_FIELD_MISSING' : message.startsWith('No such column') ? 'INVALID_FIELD' : 'INVALID_FIELD_FOR_INSERT_UPDATE',
    fields: [field],
  }));
  return new SandboxHttpError(400, errors, errors.map((e) => e.message).join('; '));
}

function fieldsOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw apiError(400, 'JSON_PARSER_ERROR', 'The request body must be a JSON object of field values');
  }
  return body as Record<string, unknown>;
}

export function writeRoutes(context: SandboxContext): Router {
  const router = Router();
  const { org } = context;

  router.get('/:version/sobjects/:object/describe', (req, res) => {
    const object = objectOf(req);
    res.json({
      name: object,
      label: object,
      custom: false,
      createable: true,
      updateable: true,
      fields: OBJECT_FIELDS[object].map((field) => ({
        name: field.name,
        label: field.name,
        type: DESCRIBE_TYPES[field.type],
        custom: false,
        nillable: !field.required && !field.system,
        filterable: true,
        calculated: false,
        createable: !field.system,
        updateable: !field.system,
        referenceTo: field.type === 'reference' ? ['Account'] : [],
      })),
    });
  });

  router.post(['/:version/sobjects/:object', '/:version/sobjects/:object/'], (req, res) => {
    const object = objectOf(req);
    try {
      const record = org.create(object, fieldsOf(req));
      res.status(201).json({ id: record.Id, success: true, errors: [] });
    } catch (error) {
      throw asRestError(error);
    }
  });

  router.patch('/:version/sobjects/:object/:id', (req, res) => {
    const object = objectOf(req);
    const id = toId18(String(req.params.id));
    if (!org.get(object, id)) throw apiError(404, 'NOT_FOUND', 'Provided external ID field does not exist or is not accessible: ' + String(req.params.id));
    try {
      org.update(object, id, fieldsOf(req));
    } catch (error) {
      throw asRestError(error);
    }
    res.status(204).end();
  });

  return router;
}
