// What every CRM API route reads from a request the same way: the signed-in org, the scope a call needs, the module
// in the path, paging numbers, the `fields` list, `If-Modified-Since`, and what the user's profile may see.
import type { Request, Response } from 'express';
import type { SandboxContext } from './context';
import { parseIsoWithOffset } from './datetime';
import { invalidModule, invalidParam, requiredParamMissing, scopeMismatch, zohoError } from './errors';
import { fieldOf, isModule, type ModuleName } from './modules';
import type { Org } from './org';
import type { Visibility } from './record-json';
import { allows, type Operation } from './scopes';
import type { AccessTokenRecord } from './sessions';

export const MAX_PER_PAGE = 200;
export const MAX_FIELDS = 50;

/** Set by authentication: whose token this is. */
export function signedInOrg(res: Response): Org {
  return res.locals.org as Org;
}

export function requireScope(res: Response, path: string, operation: Operation): void {
  const access = res.locals.access as AccessTokenRecord;
  if (!allows(access.scopes, path, operation)) throw scopeMismatch();
}

export function moduleParam(req: Request): ModuleName {
  const module = String(req.params.module);
  if (!isModule(module)) throw invalidModule();
  return module;
}

/** The scope path of a module's records: `ZohoCRM.modules.contacts`. */
export const moduleScope = (module: ModuleName) => `ZohoCRM.modules.${module.toLowerCase()}`;

export function queryText(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'string') throw invalidParam(name);
  return value;
}

/** A positive integer parameter within [1, max]; anything else is INVALID_DATA naming it. */
export function positiveInt(req: Request, name: string, fallback: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = queryText(req, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!/^\d+$/.test(raw) || value < 1 || value > max) throw invalidParam(name, 'invalid data', max !== Number.MAX_SAFE_INTEGER ? { maximum_value: max } : {});
  return value;
}

/** `fields`: API names, comma-separated, at most 50; `id` is always answered anyway. */
export function fieldsParam(req: Request, module: ModuleName, required: boolean): string[] | null {
  const raw = queryText(req, 'fields');
  if (raw === undefined || raw.trim() === '') {
    if (required) throw requiredParamMissing('fields');
    return null;
  }
  const names = [...new Set(raw.split(',').map((name) => name.trim()).filter(Boolean))];
  if (names.length > MAX_FIELDS) throw zohoError(400, 'LIMIT_EXCEEDED', 'limit exceeded', { limit: MAX_FIELDS, param_name: 'fields' });
  for (const name of names) if (name !== 'id' && !fieldOf(module, name)) throw invalidParam('fields', 'the field api name given seems to be invalid', { api_name: name });
  return names;
}

/** The `If-Modified-Since` header as epoch ms (null when absent): ISO 8601 with an offset, as Zoho documents it. */
export function modifiedSince(req: Request): number | null {
  const header = req.get('if-modified-since');
  if (header === undefined) return null;
  const ms = parseIsoWithOffset(header);
  if (Number.isNaN(ms)) throw invalidParam('If-Modified-Since', 'invalid data', { expected_format: 'yyyy-MM-ddTHH:mm:ss±HH:mm' });
  return ms;
}

/** The integration user's profile (Standard) does not see the fields configured as hidden. */
export function visibilityFor(context: SandboxContext, module: ModuleName): Visibility {
  return { hidden: new Set(context.options.hiddenFields[module] ?? []), answer: context.options.hiddenFieldAnswer };
}
