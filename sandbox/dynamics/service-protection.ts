// Dataverse's service protection limits, per user and environment: requests in a 5-minute sliding window and
// requests in flight at once. Over either, the request is refused with 429, its code and a Retry-After.
import { InFlight } from '../common/in-flight';
import { SERVICE_PROTECTION, throttled, type SandboxHttpError } from './errors';

interface UserWindow {
  stamps: number[];
  inFlight: InFlight;
}

export class ServiceProtection {
  private readonly users = new Map<string, UserWindow>();

  constructor(private readonly limits: () => { requests: number; windowMs: number; concurrent: number }) {}

  /**
   * Admits one request of `userKey`, or returns the 429 refusing it (a refused request is not counted, so a client
   * that waits out Retry-After gets in). Call `finished` once an admitted request is answered or abandoned.
   */
  admit(userKey: string, now = Date.now()): { refusal: SandboxHttpError | null; finished: () => void } {
    const { requests, windowMs, concurrent } = this.limits();
    let user = this.users.get(userKey);
    if (!user) this.users.set(userKey, (user = { stamps: [], inFlight: new InFlight() }));
    let drop = 0;
    while (drop < user.stamps.length && user.stamps[drop] <= now - windowMs) drop++;
    if (drop > 0) user.stamps = user.stamps.slice(drop);
    // The concurrency error comes at once, whatever the window says (MS api-limits.md).
    if (concurrent > 0 && user.inFlight.count >= concurrent) {
      return { refusal: throttled('concurrency', 1, SERVICE_PROTECTION.concurrency.message(concurrent)), finished: () => undefined };
    }
    if (requests > 0 && user.stamps.length >= requests) {
      const retryAfterMs = user.stamps[0] + windowMs - now;
      return { refusal: throttled('requests', retryAfterMs / 1000, SERVICE_PROTECTION.requests.message(requests, Math.round(windowMs / 1000))), finished: () => undefined };
    }
    user.stamps.push(now);
    return { refusal: null, finished: user.inFlight.start() };
  }

  /** What the debug header reports: requests left in the window for this user (MS: for debugging only). */
  remaining(userKey: string): number {
    const { requests } = this.limits();
    return Math.max(0, requests - (this.users.get(userKey)?.stamps.length ?? 0));
  }
}
