// Heartbeats an activity while it waits on something slow (a provider, a token endpoint, the database), so waiting is not mistaken for a dead worker.
import type { Context } from '@temporalio/activity';

/** Without a heartbeat timeout nobody watches the heartbeats; a few seconds apart is then plenty. */
const DEFAULT_INTERVAL_MS = 2000;

/**
 * Several beats within one heartbeat timeout, so one late timer never lets the attempt time out. Temporal throttles
 * what it sends to the server itself (to 80% of the timeout), so beating often costs nothing.
 */
export function heartbeatIntervalMs(heartbeatTimeoutMs: number | undefined): number {
  if (!heartbeatTimeoutMs) return DEFAULT_INTERVAL_MS;
  return Math.max(50, Math.min(DEFAULT_INTERVAL_MS, Math.floor(heartbeatTimeoutMs / 4)));
}

/** Heartbeats `details()` on an interval until `waiting` settles. */
export async function heartbeatWhile<T>(context: Context, waiting: Promise<T>, details?: () => unknown): Promise<T> {
  const beat = () => context.heartbeat(details?.());
  const timer = setInterval(beat, heartbeatIntervalMs(context.info.heartbeatTimeoutMs));
  try {
    return await waiting;
  } finally {
    clearInterval(timer);
  }
}
