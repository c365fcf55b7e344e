// Requests held unanswered from a chosen call on until released, so a test changes data between two pages of a sync.
import type { RequestHandler } from 'express';

/** How many more matching calls go through before the hold starts. */
export interface HoldCountdown {
  callsLeft: number;
}

/** The hold is exact: the test acts at that very point of the sync without racing it. */
export class HeldRequests {
  private held: (() => void)[] = [];

  get count(): number {
    return this.held.length;
  }

  /**
   * While `countdown()` gives a countdown, lets that many requests whose kind (`res.locals.kind`) `matches` through,
   * then keeps the next ones waiting. Mounted before authentication, a released request meets the sessions and data
   * of its release.
   */
  middleware(countdown: () => HoldCountdown | undefined, matches: (kind: string) => boolean): RequestHandler {
    return (_req, res, next) => {
      const hold = countdown();
      if (!hold || !matches(String(res.locals.kind))) return next();
      if (hold.callsLeft > 0) {
        hold.callsLeft--;
        return next();
      }
      this.held.push(() => next());
    };
  }

  /** Lets every held request go on, to be answered as the provider now is. */
  releaseAll(): void {
    const released = this.held;
    this.held = [];
    for (const release of released) release();
  }
}
