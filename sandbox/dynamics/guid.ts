// Dataverse primary keys: GUIDs compared as SQL Server compares uniqueidentifier, and handed out so that later
// records sort later in that order, as the platform's sequential GUIDs do.

export const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const reverseBytes = (hex: string): string => (hex.match(/../g) ?? []).reverse().join('');

/**
 * A text whose plain string order is SQL Server's order for the GUID: SqlGuid compares the .NET byte layout (the
 * first three groups little-endian) at positions 10–15, 8–9, 6–7, 4–5, 0–3. A client that compares GUID strings
 * itself (to resume after the last id, say) gets a different order than `$orderby=contactid`.
 */
export function sqlOrderKey(guid: string): string {
  const [a, b, c, d, e] = guid.toLowerCase().split('-');
  return e + d + reverseBytes(c) + reverseBytes(b) + reverseBytes(a);
}

export function compareGuids(left: string, right: string): number {
  const l = sqlOrderKey(left);
  const r = sqlOrderKey(right);
  return l < r ? -1 : l > r ? 1 : 0;
}

/**
 * The GUID whose SQL order position is `node` (12 hex digits, the environment's), `clock` (4), `epoch` (4) and
 * `sequence` (below 2^48): a sequence that grows gives GUIDs that grow in SQL order, though their text looks unordered.
 */
export function sequentialGuid(node: string, clock: string, epoch: string, sequence: number): string {
  const tail = epoch + sequence.toString(16).padStart(12, '0').slice(-12);
  const c = reverseBytes(tail.slice(0, 4));
  const b = reverseBytes(tail.slice(4, 8));
  const a = reverseBytes(tail.slice(8, 16));
  return `${a}-${b}-${c}-${clock}-${node}`;
}
