// What a Web API path names: a function (WhoAmI), table metadata, an entity set, or one row of it by primary key.
import { odataError } from './errors';
import { GUID } from './guid';
import { isEntitySet, type EntitySet } from './tables';

export type WebApiTarget =
  | { kind: 'whoami' }
  | { kind: 'metadata'; rest: string }
  | { kind: 'collection'; entitySet: EntitySet }
  | { kind: 'row'; entitySet: EntitySet; id: string }
  | { kind: 'unknown'; segment: string };

export const API_PATH = /^\/api\/data\/(v9\.[0-2])(?:\/(.*))?$/;

/** `path` below `/api/data/v9.x/`; a malformed key is a 400, an unknown segment is left for the caller's 404. */
export function parseTarget(rest: string): WebApiTarget {
  const segment = decodeURIComponent(rest.replace(/\/$/, ''));
  if (segment === 'WhoAmI' || segment === 'WhoAmI()') return { kind: 'whoami' };
  if (segment.startsWith('EntityDefinitions')) return { kind: 'metadata', rest: segment };
  if (isEntitySet(segment)) return { kind: 'collection', entitySet: segment };
  const keyed = /^([a-z]+)\((.*)\)$/.exec(segment);
  if (keyed && isEntitySet(keyed[1])) {
    const key = keyed[2].replace(/^\{|\}$/g, '');
    if (!GUID.test(key)) throw odataError(400, `Bad Request - Error in query syntax: '${keyed[2]}' is not a valid key for '${keyed[1]}'.`);
    return { kind: 'row', entitySet: keyed[1], id: key.toLowerCase() };
  }
  return { kind: 'unknown', segment: segment.split('/')[0] };
}

export const resourceNotFound = (segment: string) => odataError(404, `Resource not found for the segment '${segment}'.`);
