// A sandbox's clock: wall time plus however far a test moved it, so a test can cross lifetimes of minutes or days.
import { controlError } from './errors';

/** What reads the time: a SandboxClock, or `WALL_CLOCK` where a provider's sandbox has no clock of its own there. */
export interface Clock {
  now(): number;
}

/** Time as this process sees it, for judgements a test cannot move. */
export const WALL_CLOCK: Clock = { now: () => Date.now() };

/** Codes, tokens, purges and delta tokens expire on it; it only moves forward. */
export class SandboxClock implements Clock {
  private aheadMs = 0;

  now(): number {
    return Date.now() + this.aheadMs;
  }

  /** Whole seconds, for providers whose timestamps carry no fractions (changes within one second tie). */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw controlError(400, 'the clock only moves forward', [{ field: 'ms', message: 'must be a non-negative number' }]);
    this.aheadMs += ms;
  }
}
