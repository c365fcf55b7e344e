// The backoff a rate-limit failure hands the workflow, and how a wait is drawn from it: pure, so workflow code may run it.

/** Never wait less than this, whatever a hint says: a reset already passed or a zero jitter must not become a hot loop. */
export const MIN_RATE_LIMIT_WAIT_MS = 1000;

/** For rate-limit answers that name no wait: exponential backoff with full jitter, up to a cap. */
export interface BackoffPolicy {
  /** The ceiling of the first wait; it doubles with every consecutive wait. */
  baseMs: number;
  /** No wait is longer than this. */
  capMs: number;
}

/**
 * Full jitter (a uniform draw between 0 and the exponential ceiling), as in "Exponential Backoff And Jitter" (AWS):
 * clients limited together do not come back together. `previousWaits` counts the consecutive waits before this one;
 * `random` is a draw in [0, 1) — in workflow code, the workflow's seeded Math.random, so replays wait the same.
 */
export function fullJitterBackoffMs(policy: BackoffPolicy, previousWaits: number, random: number): number {
  const ceiling = Math.min(policy.capMs, policy.baseMs * 2 ** Math.min(previousWaits, 30));
  return Math.max(MIN_RATE_LIMIT_WAIT_MS, Math.round(ceiling * random));
}
