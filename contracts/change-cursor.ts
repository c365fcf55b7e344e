// Encodes positions in the changes feed as opaque cursors, so their format can evolve without breaking apps.

export function encodeCursor(seq: number): string {
  return `c1.${seq.toString(36)}`;
}

/** Returns null for anything that is not a cursor this version issued. */
export function decodeCursor(cursor: string): number | null {
  const match = /^c1\.([0-9a-z]{1,11})$/.exec(cursor);
  if (!match) return null;
  const seq = parseInt(match[1], 36);
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
}
