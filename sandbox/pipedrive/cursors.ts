// Opaque `cursor` values of the v2 list endpoints: the position after the last item of a page under one sort.
// Clients must treat them as opaque; an edited one is refused with a 400.
import { validationFailed } from './errors';

export type SortBy = 'id' | 'update_time' | 'add_time';
export type SortDirection = 'asc' | 'desc';

export interface ListPosition {
  sortBy: SortBy;
  direction: SortDirection;
  /** The sort key (seconds, or the id itself) and id of the last item handed out. */
  key: number;
  id: number;
}

export function encodeCursor(position: ListPosition): string {
  return Buffer.from(JSON.stringify([position.sortBy, position.direction, position.key, position.id])).toString('base64url');
}

/** The position a cursor names, checked against the sort of the request it came with. */
export function decodeCursor(cursor: string, sortBy: SortBy, direction: SortDirection): ListPosition {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed.length !== 4 || !Number.isInteger(parsed[2]) || !Number.isInteger(parsed[3])) {
    throw validationFailed('cursor', 'Invalid cursor');
  }
  if (parsed[0] !== sortBy || parsed[1] !== direction) throw validationFailed('cursor', 'The cursor belongs to another sort_by or sort_direction');
  return { sortBy, direction, key: parsed[2] as number, id: parsed[3] as number };
}

/** Search pages are offsets, opaque the same way. */
export function encodeOffset(offset: number): string {
  return Buffer.from(JSON.stringify(['offset', offset])).toString('base64url');
}

export function decodeOffset(cursor: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    parsed = null;
  }
  if (!Array.isArray(parsed) || parsed[0] !== 'offset' || !Number.isInteger(parsed[1]) || (parsed[1] as number) < 0) throw validationFailed('cursor', 'Invalid cursor');
  return parsed[1] as number;
}
