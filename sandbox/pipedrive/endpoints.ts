// The API a company host serves, as one table: each endpoint's kind (for stats and faults), the OAuth scopes that
// allow it (any one of them), and its token cost (v1 figures from Pipedrive's rate-limit page, v2 about half).
import type { PipedriveObject } from './fields';

export interface Endpoint {
  kind: string;
  /** Any one of these scopes allows the call (from the official SDK's per-operation scopes). */
  scopes: readonly string[];
  cost: number;
  object?: PipedriveObject;
  isSearch?: boolean;
  isWrite?: boolean;
  isList?: boolean;
}

const READ = ['contacts:read', 'contacts:full'];
const FULL = ['contacts:full'];

const OBJECT_PATHS: Record<string, PipedriveObject> = { persons: 'persons', organizations: 'organizations' };
const FIELD_PATHS: Record<string, PipedriveObject> = { personFields: 'persons', organizationFields: 'organizations' };

export function classifyApi(method: string, path: string): Endpoint {
  const parts = path.replace(/\/+$/, '').split('/').slice(1);
  const [api, version, resource, id, extra] = parts;
  if (api !== 'api') return { kind: 'other', scopes: [], cost: 0 };
  if (version === 'v1') {
    if (resource === 'users' && id === 'me' && method === 'GET' && parts.length === 4) return { kind: 'users.me', scopes: ['base'], cost: 2 };
    if (resource === 'webhooks' && parts.length === 3 && method === 'GET') return { kind: 'webhooks.list', scopes: ['admin'], cost: 20 };
    if (resource === 'webhooks' && parts.length === 3 && method === 'POST') return { kind: 'webhooks.create', scopes: ['admin'], cost: 10 };
    if (resource === 'webhooks' && parts.length === 4 && method === 'DELETE') return { kind: 'webhooks.delete', scopes: ['admin'], cost: 6 };
    if (resource in OBJECT_PATHS && parts.length === 3 && method === 'GET') return { kind: 'v1.retired-list', scopes: [], cost: 0 };
    return { kind: 'other', scopes: [], cost: 0 };
  }
  if (version !== 'v2') return { kind: 'other', scopes: [], cost: 0 };
  if (resource in FIELD_PATHS && parts.length === 3 && method === 'GET') return { kind: `${FIELD_PATHS[resource]}.fields`, scopes: [...READ, 'admin'], cost: 10, object: FIELD_PATHS[resource], isList: true };
  const object = OBJECT_PATHS[resource];
  if (!object || extra !== undefined) return { kind: 'other', scopes: [], cost: 0 };
  if (id === undefined) {
    if (method === 'GET') return { kind: `${object}.list`, scopes: READ, cost: 10, object, isList: true };
    if (method === 'POST') return { kind: `${object}.create`, scopes: FULL, cost: 5, object, isWrite: true };
  } else if (id === 'search') {
    if (method === 'GET') return { kind: `${object}.search`, scopes: [...READ, 'search:read'], cost: 20, object, isSearch: true };
  } else {
    if (method === 'GET') return { kind: `${object}.get`, scopes: READ, cost: 1, object };
    if (method === 'PATCH') return { kind: `${object}.update`, scopes: FULL, cost: 5, object, isWrite: true };
    if (method === 'DELETE') return { kind: `${object}.delete`, scopes: FULL, cost: 3, object, isWrite: true };
  }
  return { kind: 'other', scopes: [], cost: 0 };
}
