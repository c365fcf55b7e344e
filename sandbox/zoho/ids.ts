// Zoho's record ids: 19-digit numbers sent as JSON strings (beyond JavaScript's safe integers), an org-specific
// prefix then a sequence that grows with gaps, so later records have larger ids.
import type { Random } from '../common/random';

export const RECORD_ID = /^\d{19}$/;

/** Equal-length digit strings compare as numbers do, so ids sort correctly as text. */
export const compareIds = (left: string, right: string): number => (left < right ? -1 : left > right ? 1 : 0);

export class IdSequence {
  private sequence: number;

  /** `prefix`: the org's 7 digits (first digit non-zero), so every id has exactly 19 digits. */
  constructor(
    private readonly prefix: string,
    random: Random,
  ) {
    if (!/^[1-9]\d{6}$/.test(prefix)) throw new Error(`id prefix must be 7 digits, got ${prefix}`);
    this.sequence = random.int(1_000_000, 9_000_000);
  }

  next(random: Random): string {
    this.sequence += random.int(1, 64);
    return `${this.prefix}${String(this.sequence).padStart(12, '0')}`;
  }
}
