// The sandbox's clock: wall time plus however far a test moved it, so 5-minute codes, 60-day refresh tokens and
// 30-day purges can be crossed in a test. Every judgement about time in the sandbox reads it.
import { controlError } from '../common/errors';

export class SandboxClock {
  private aheadMs = 0;

  now(): number {
    return Date.now() + this.aheadMs;
  }

  /** Whole seconds: Pipedrive's `update_time` and `add_time` carry no fractions, so changes in one second tie. */
  nowSeconds(): number {
    return Math.floor(this.now() / 1000);
  }

  /** The clock only moves forward. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw controlError(400, 'the clock only moves forward', [{ field: 'ms', message: 'must be a non-negative number' }]);
    this.aheadMs += ms;
  }
}

/** RFC 3339 in UTC with whole seconds, as Pipedrive v2 writes `add_time` and `update_time` (e.g. 2025-01-10T13:22:08Z). */
export function formatSeconds(seconds: number): string {
  return new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
