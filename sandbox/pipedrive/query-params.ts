// The query parameters of the v2 read endpoints, checked as Pipedrive checks them: a bad value is a 400 naming the
// parameter; parameters it does not know are ignored (so a misspelled `updated_since` silently lists everything).
import type { Request } from 'express';
import { text } from '../common/oauth-values';
import { notFound, validationFailed } from './errors';
import { isObject, type PipedriveObject } from './fields';

export const LIST_LIMIT_DEFAULT = 100;
export const LIST_LIMIT_MAX = 500;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** A parameter given once, as text; a repeated one is refused rather than guessed at. */
function single(req: Request, name: string): string | undefined {
  const value = req.query[name];
  if (value === undefined) return undefined;
  const parsed = text(value);
  if (parsed === undefined) throw validationFailed(name, 'must be given once, as a non-empty value');
  return parsed;
}

export function optionalString(req: Request, name: string): string | undefined {
  return single(req, name);
}

export function integer(req: Request, name: string, bounds: { min: number; max: number; fallback?: number }): number | null {
  const raw = single(req, name);
  if (raw === undefined) return bounds.fallback ?? null;
  const value = Number(raw);
  if (!/^-?\d+$/.test(raw) || value < bounds.min || value > bounds.max) throw validationFailed(name, `must be an integer from ${bounds.min} to ${bounds.max}`);
  return value;
}

export function oneOf<T extends string>(req: Request, name: string, allowed: readonly T[], fallback: T): T {
  const raw = single(req, name);
  if (raw === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(raw)) throw validationFailed(name, `must be one of ${allowed.join(', ')}`);
  return raw as T;
}

/** RFC 3339 (`2025-01-01T10:20:00Z`, an offset or fractions allowed) as epoch ms. */
export function timestamp(req: Request, name: string): number | null {
  const raw = single(req, name);
  if (raw === undefined) return null;
  const ms = Date.parse(raw);
  if (!RFC3339.test(raw) || Number.isNaN(ms)) throw validationFailed(name, 'must be an RFC 3339 date-time such as 2025-01-01T10:20:00Z');
  return ms;
}

export function commaList(req: Request, name: string, max: number): string[] | null {
  const raw = single(req, name);
  if (raw === undefined) return null;
  const items = raw.split(',').map((item) => item.trim()).filter(Boolean);
  if (items.length > max) throw validationFailed(name, `takes at most ${max} values`);
  return items;
}

export function idList(req: Request, name: string, max: number): Set<number> | null {
  const items = commaList(req, name, max);
  if (items === null) return null;
  if (!items.every((item) => /^\d+$/.test(item))) throw validationFailed(name, 'must be a comma-separated list of integer ids');
  return new Set(items.map(Number));
}

export function flag(req: Request, name: string): boolean {
  const raw = single(req, name);
  if (raw === undefined) return false;
  if (raw !== 'true' && raw !== 'false' && raw !== '1' && raw !== '0') throw validationFailed(name, 'must be true or false');
  return raw === 'true' || raw === '1';
}

export function pathId(raw: string): number {
  if (!/^\d+$/.test(raw) || Number(raw) < 1 || Number(raw) > Number.MAX_SAFE_INTEGER) throw validationFailed('id', 'must be a positive integer');
  return Number(raw);
}

/** `persons` or `organizations` from the path; any other resource is a 404, as an unknown URL is. */
export function objectOf(req: Request): PipedriveObject {
  const object = String(req.params.object);
  if (!isObject(object)) throw notFound('Resource');
  return object;
}
