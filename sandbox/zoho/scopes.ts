// OAuth scopes as Zoho writes them (`ZohoCRM.modules.contacts.READ`, comma-separated at authorize) and which
// granted scope covers which call: a broader path (`ZohoCRM.modules.ALL`) or `ALL` covers the narrower one.

export type Operation = 'READ' | 'CREATE' | 'UPDATE' | 'DELETE';

const SCOPE = /^[A-Za-z]+(\.[A-Za-z0-9_]+)+$/;
const OPERATIONS = new Set(['ALL', 'READ', 'CREATE', 'UPDATE', 'DELETE', 'WRITE']);

/** The `scope` parameter of authorize: comma-separated, each `Service.path.OPERATION`; undefined when any is not. */
export function parseScopeList(raw: string | undefined): string[] | undefined {
  if (!raw) return undefined;
  const scopes = raw.split(',').map((scope) => scope.trim());
  if (scopes.some((scope) => !SCOPE.test(scope) || !OPERATIONS.has(scope.split('.').pop()!.toUpperCase()))) return undefined;
  return [...new Set(scopes)];
}

/** Whether one of `granted` allows `operation` on `path` (e.g. `ZohoCRM.modules.contacts`); case does not matter. */
export function allows(granted: readonly string[], path: string, operation: Operation): boolean {
  const wanted = path.toLowerCase().split('.');
  return granted.some((scope) => {
    const parts = scope.toLowerCase().split('.');
    const op = parts.pop()!.toUpperCase();
    if (parts.length > wanted.length || parts.some((part, index) => part !== wanted[index])) return false;
    return op === 'ALL' || op === operation || (op === 'WRITE' && operation !== 'READ');
  });
}
