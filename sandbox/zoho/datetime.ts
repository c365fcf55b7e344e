// Zoho's timestamps: ISO 8601 in the org's own offset (`2025-01-10T13:22:08+03:00`, never `Z`), whole seconds; and
// the ISO 8601 forms `If-Modified-Since` and `channel_expiry` accept.

const pad = (value: number, width = 2) => String(value).padStart(width, '0');

/** `sec` (epoch seconds) as the org shows it: its local wall time and its offset. */
export function formatZohoTime(sec: number, offsetMinutes: number): string {
  const local = new Date((sec + offsetMinutes * 60) * 1000);
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}T${pad(local.getUTCHours())}:${pad(local.getUTCMinutes())}:${pad(local.getUTCSeconds())}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,3}))?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Epoch ms of an ISO 8601 date-time with an offset (`Z` or `±HH:MM`); NaN for anything else, including an HTTP-date
 * (`Wed, 21 Oct 2015 07:28:00 GMT`) or a time without offset, which would be ambiguous across data centres.
 */
export function parseIsoWithOffset(text: string): number {
  const match = ISO_WITH_OFFSET.exec(text.trim());
  if (!match) return Number.NaN;
  const [, year, month, day, hour, minute, second, fraction = '0', zone] = match;
  const utc = Date.UTC(Number(year), Number(month) - 1, Number(day), Number(hour), Number(minute), Number(second), Number(fraction.padEnd(3, '0')));
  const check = new Date(utc);
  if (check.getUTCMonth() !== Number(month) - 1 || check.getUTCDate() !== Number(day) || Number(hour) > 23 || Number(minute) > 59 || Number(second) > 59) return Number.NaN;
  if (zone === 'Z') return utc;
  const sign = zone.startsWith('-') ? -1 : 1;
  return utc - sign * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6))) * 60_000;
}

/** A date field's value (`1987-04-12`), as Zoho writes dates. */
export const DATE_PATTERN = /^\d{4}-\d{2}-\d{2}$/;

export function isValidDate(text: string): boolean {
  if (!DATE_PATTERN.test(text)) return false;
  const ms = Date.parse(`${text}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().startsWith(text);
}
