// Salesforce-shaped record ids: key prefix, pod, a counter whose text order is creation order, and the case-safe suffix.

/** ASCII order of these digits equals their value order, so fixed-width counters sort as text. */
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SUFFIX_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ012345';
const COUNTER_WIDTH = 9;

export const KEY_PREFIX = { Account: '001', Contact: '003', Opportunity: '006', Organization: '00D', User: '005', QueryLocator: '01g' } as const;

export type KeyPrefix = (typeof KEY_PREFIX)[keyof typeof KEY_PREFIX];

/** The 3 characters that make a 15-character id unique case-insensitively: one per 5-character chunk, a bit per capital. */
export function caseSafeSuffix(id15: string): string {
  let suffix = '';
  for (let chunk = 0; chunk < 3; chunk++) {
    let bits = 0;
    for (let i = 0; i < 5; i++) {
      const code = id15.charCodeAt(chunk * 5 + i);
      if (code >= 65 && code <= 90) bits |= 1 << i;
    }
    suffix += SUFFIX_ALPHABET[bits];
  }
  return suffix;
}

export function toId18(id: string): string {
  return id.length === 15 ? id + caseSafeSuffix(id) : id;
}

/** Shape only: the suffix is not verified, so hand-written ids in tests and checkpoints pass as they would be typed. */
export function looksLikeId(text: string): boolean {
  return /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(text);
}

function base62(value: number, width: number): string {
  let text = '';
  let rest = value;
  while (rest > 0) {
    text = BASE62[rest % 62] + text;
    rest = Math.floor(rest / 62);
  }
  return text.padStart(width, '0');
}

/** Hands out ids of one key prefix in strictly increasing text order. */
export class IdSequence {
  private next: number;

  constructor(
    private readonly prefix: KeyPrefix,
    private readonly pod: string,
    start: number,
  ) {
    this.next = start;
  }

  take(): string {
    const id15 = `${this.prefix}${this.pod}0${base62(this.next++, COUNTER_WIDTH)}`;
    return id15 + caseSafeSuffix(id15);
  }
}
