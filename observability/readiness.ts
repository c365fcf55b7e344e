// Readiness checks shared by the API and the worker: each dependency must answer within a deadline, or counts as down.

/** A check passes when its promise resolves; it fails when it rejects or outlives the deadline. */
export type ReadinessCheck = () => Promise<unknown>;

/**
 * Probes are polled every few seconds and time out on their own: a check that waited for the MongoDB driver's
 * 30 s server selection would pile up behind the prober instead of saying "not ready".
 */
export const READINESS_TIMEOUT_MS = 2000;

export type Readiness<K extends string> = { ok: boolean } & Record<K, boolean>;

export async function checkReadiness<K extends string>(
  checks: Record<K, ReadinessCheck>,
  timeoutMs = READINESS_TIMEOUT_MS,
): Promise<Readiness<K>> {
  const names = Object.keys(checks) as K[];
  const results = await Promise.all(names.map((name) => passes(checks[name], timeoutMs)));
  const byName = Object.fromEntries(names.map((name, i) => [name, results[i]])) as Record<K, boolean>;
  return { ok: results.every(Boolean), ...byName };
}

async function passes(check: ReadinessCheck, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    // The check is called inside the race so one that throws synchronously counts as down, not as a crash.
    return await Promise.race([Promise.resolve().then(check).then(() => true, () => false), deadline]);
  } finally {
    clearTimeout(timer);
  }
}
