// The CRM v3 properties list and object writes (create, update), answered as HubSpot does, duplicate-email 409 included.
import { Router, type Request } from 'express';
import { SandboxHttpError } from '../common/errors';
import type { SandboxContext } from './context';
import { crmError } from './errors';
import { OBJECT_DEFINITIONS, isObject, knownProperties, propertyType, type HubSpotObject } from './properties';

function objectOf(req: Request): HubSpotObject {
  const object = String(req.params.object);
  if (!isObject(object)) throw crmError(400, 'VALIDATION_ERROR', `Unable to infer object type from: ${object}`);
  return object;
}

function propertiesOf(req: Request): Record<string, unknown> {
  const body = req.body as { properties?: unknown } | undefined;
  const properties = body?.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw crmError(400, 'VALIDATION_ERROR', 'Invalid input JSON on line 1: "properties" must be an object of property values');
  }
  return properties as Record<string, unknown>;
}

/** The portal validates like the control API; the CRM API words it as one VALIDATION_ERROR (or a 404). */
function asCrmError(error: unknown): unknown {
  if (!(error instanceof SandboxHttpError)) return error;
  const body = error.body as { fields?: { field: string; message: string }[] };
  if (error.status === 404) return crmError(404, 'OBJECT_NOT_FOUND', 'resource not found');
  if (error.status === 400 && Array.isArray(body?.fields)) {
    return crmError(400, 'VALIDATION_ERROR', `Property values were not valid: ${body.fields.map((f) => f.message).join('; ')}`);
  }
  return error;
}

export function writeRoutes(context: SandboxContext): Router {
  const router = Router();
  const { portal } = context;

  router.get('/crm/v3/properties/:object', (req, res) => {
    const object = objectOf(req);
    const writable = new Set(OBJECT_DEFINITIONS[object].writable);
    res.json({
      results: [...knownProperties(object)].sort().map((name) => ({
        name,
        label: name,
        type: propertyType(name),
        fieldType: propertyType(name) === 'datetime' ? 'date' : propertyType(name) === 'number' ? 'number' : 'text',
        hidden: false,
        calculated: false,
        hubspotDefined: true,
        modificationMetadata: { readOnlyValue: !writable.has(name) },
      })),
    });
  });

  router.post('/crm/v3/objects/:object', (req, res) => {
    const object = objectOf(req);
    const properties = propertiesOf(req);
    // Email is the contact's dedupe key: a second contact with it is refused, naming the one that exists.
    const email = object === 'contacts' && typeof properties.email === 'string' ? properties.email.toLowerCase() : null;
    const existing = email ? portal.records('contacts').find((r) => r.properties.email?.toLowerCase() === email) : undefined;
    if (existing) throw crmError(409, 'CONFLICT', `Contact already exists. Existing ID: ${existing.id}`);
    try {
      res.status(201).json(portal.create(object, properties));
    } catch (error) {
      throw asCrmError(error);
    }
  });

  router.patch('/crm/v3/objects/:object/:id', (req, res) => {
    const object = objectOf(req);
    try {
      res.json(portal.update(object, String(req.params.id), propertiesOf(req)));
    } catch (error) {
      throw asCrmError(error);
    }
  });

  return router;
}
