// Encodes positions in a changes feed as opaque cursors bound to their feed (connection and model), so a cursor
// handed to another feed is refused instead of silently skipping or repeating records there.

/** A changes feed: one model of one incarnation of a connection. */
export interface FeedId {
  connectionId: string;
  model: string;
  /**
   * Which life of the connection id: a connection deleted and created again under the same id starts a new feed, so
   * an app's cursor into the old one is refused rather than skipping the new feed's first changes. Absent for
   * connections created before incarnations existed; their feeds and cursors are unchanged.
   */
  incarnation?: string;
}

export function encodeCursor(seq: number, feed: FeedId): string {
  return `c2.${seq.toString(36)}.${feedTag(feed)}`;
}

export type CursorReading = { seq: number } | { problem: string };

/**
 * Where a cursor points in `feed`, or why it cannot be used there. `c1.` cursors, issued before cursors named their
 * feed, are still accepted (they may sit in apps' storage and in delivered webhooks) but cannot be checked.
 */
export function readCursor(cursor: string, feed: FeedId): CursorReading {
  const match = /^c2\.([0-9a-z]{1,11})\.([0-9a-z]{12})$/.exec(cursor) ?? /^c1\.([0-9a-z]{1,11})$/.exec(cursor);
  const seq = match ? parseInt(match[1], 36) : NaN;
  if (!match || !Number.isSafeInteger(seq) || seq < 0) return { problem: 'is not a cursor issued by this API' };
  if (match[2] !== undefined && match[2] !== feedTag(feed)) {
    return {
      problem: `belongs to another changes feed, not to model "${feed.model}" of connection "${feed.connectionId}" (or to an earlier connection of that id, since deleted)`,
    };
  }
  return { seq };
}

/** The position alone, for tests that compare cursors of one feed they already know. */
export function cursorSeq(cursor: string): number | null {
  const match = /^c[12]\.([0-9a-z]{1,11})(\.[0-9a-z]{12})?$/.exec(cursor);
  const seq = match ? parseInt(match[1], 36) : NaN;
  return Number.isSafeInteger(seq) && seq >= 0 ? seq : null;
}

/**
 * 60 bits of FNV-1a over the feed's identity: enough that two feeds' cursors never pass for each other by chance.
 * Not a signature — it need not be: whoever holds the API key may read every feed — and pure code, so any layer,
 * the workflow bundle included, can import this module.
 */
function feedTag({ connectionId, model, incarnation }: FeedId): string {
  const text = !incarnation ? `${connectionId}\u0000${model}` : `${connectionId}\u0000${model}\u0000${incarnation}`;
  let a = 0x811c9dc5;
  let b = 0x01000193 ^ 0x5bd1e995;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    a = Math.imul(a ^ code, 0x01000193) >>> 0;
    b = Math.imul(b ^ code, 0x01000193 + 2) >>> 0;
  }
  return ((a >>> 2).toString(36).padStart(6, '0') + (b >>> 2).toString(36).padStart(6, '0')).slice(0, 12);
}
