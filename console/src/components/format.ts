// How times, ages, durations and counts read in the console: short, in the reader's time zone, the same everywhere.

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** "12 s", "5 min", "3 h", "2 d": the largest unit that keeps the number small. */
export function formatSpan(ms: number): string {
  const abs = Math.abs(ms);
  if (abs < MINUTE) return `${Math.round(abs / SECOND)} s`;
  if (abs < HOUR) return `${Math.round(abs / MINUTE)} min`;
  if (abs < DAY) return `${Math.round(abs / HOUR)} h`;
  return `${Math.round(abs / DAY)} d`;
}

/** "5 min ago", "in 3 h", "just now". */
export function formatAge(iso: string, now = Date.now()): string {
  const delta = new Date(iso).getTime() - now;
  if (Math.abs(delta) < 5 * SECOND) return 'just now';
  return delta < 0 ? `${formatSpan(delta)} ago` : `in ${formatSpan(delta)}`;
}

const dateTime = new Intl.DateTimeFormat('en-GB', {
  year: 'numeric',
  month: 'short',
  day: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** "5 Jan 2026, 10:00:03" in the reader's time zone. */
export function formatTime(iso: string): string {
  return dateTime.format(new Date(iso));
}

const clock = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit' });

/** "10:00:03": for timelines, where the day is said once above. */
export function formatClock(iso: string): string {
  return clock.format(new Date(iso));
}

const hourOfDay = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

export function formatHour(iso: string): string {
  return hourOfDay.format(new Date(iso));
}

/** "850 ms", "4.2 s", "3 min 5 s". */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < SECOND) return `${Math.round(ms)} ms`;
  if (ms < MINUTE) return `${(ms / SECOND).toFixed(1)} s`;
  const minutes = Math.floor(ms / MINUTE);
  return `${minutes} min ${Math.round((ms - minutes * MINUTE) / SECOND)} s`;
}

const integer = new Intl.NumberFormat('en-GB');

export function formatCount(value: number | null | undefined): string {
  return value === null || value === undefined ? '—' : integer.format(value);
}

/** Words for the API's snake_case states: `auth_error` → "auth error". */
export function words(value: string): string {
  return value.replace(/_/g, ' ');
}
