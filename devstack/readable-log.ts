// `npm run dev`'s terminal: one line a person reads for each JSON log line of the API and the worker (the log files
// keep the JSON). Only fields named here are printed, so a field nobody thought of (a token) never reaches the screen.
import { styleText } from 'node:util';

export type Style = Parameters<typeof styleText>[0];
export type Paint = (style: Style, text: string) => string;

/** Colours text, or leaves it as it is; whether to is decided once, by wantsColour (styleText would ask stdout). */
export function painter(colour: boolean): Paint {
  return (style, text) => (colour ? styleText(style, text, { validateStream: false }) : text);
}

/** Whether to colour: the stream is a terminal that has colours, and NO_COLOR / FORCE_COLOR / TERM=dumb say so. */
export function wantsColour(stream: NodeJS.WriteStream = process.stdout): boolean {
  return stream.isTTY === true && typeof stream.hasColors === 'function' && stream.hasColors();
}

export interface ReadableLog {
  /** The readable line for one line of a process's output; null for one not worth a line. */
  format(line: string): string | null;
}

/** Pino's numeric levels. */
const WARN = 40;
const ERROR = 50;

/** The names that place a line: which connection, model, integration it is about. Values are ids, never secrets. */
const PLACE_FIELDS = ['integration', 'connectionId', 'model', 'provider', 'activityType', 'taskQueue', 'url'] as const;

interface LogEntry {
  level?: number;
  msg?: string;
  [field: string]: unknown;
}

export function readableLog({ colour }: { colour: boolean }): ReadableLog {
  const paint = painter(colour);
  return {
    format(line) {
      const entry = parseEntry(line);
      // Not a log line (a stack trace, a crash message): shown as the process wrote it.
      if (!entry) return line;
      const level = typeof entry.level === 'number' ? entry.level : 30;
      if (isSdkChatter(entry, level)) return null;
      const text = describe(entry, paint);
      if (level >= ERROR) return `${paint('red', 'error')} ${text}`;
      if (level >= WARN) return `${paint('yellow', 'warn')}  ${text}`;
      return text;
    },
  };
}

/**
 * The Temporal SDK's own info lines (worker state changes, Nexus) say nothing a developer acts on, nor does its warning
 * that the control worker polls no workflows (it has none by design). Its other warnings are shown.
 */
function isSdkChatter(entry: LogEntry, level: number): boolean {
  if (entry.component !== 'temporal-sdk') return false;
  return level < WARN || (typeof entry.msg === 'string' && entry.msg.startsWith('No workflows registered'));
}

function parseEntry(line: string): LogEntry | null {
  if (!line.startsWith('{')) return null;
  try {
    const parsed = JSON.parse(line) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) && 'msg' in parsed ? (parsed as LogEntry) : null;
  } catch {
    return null;
  }
}

/** One sentence per event the developer watches for; any other line is its message, where, and its reason. */
function describe(entry: LogEntry, paint: Paint): string {
  const run = `${text(entry.connectionId)}/${text(entry.model)}`;
  switch (entry.msg) {
    case 'request': {
      const status = num(entry.status);
      const statusStyle: Style = status >= 500 ? 'red' : status >= 400 ? 'yellow' : 'green';
      const key = entry.secretKeyName ? paint('dim', ` key ${text(entry.secretKeyName)}`) : '';
      return `${text(entry.method)} ${text(entry.route ?? '(no route)')} ${paint(statusStyle, String(status))} ${num(entry.ms)} ms${key}`;
    }
    case 'sync run started':
      return `${paint('cyan', 'run started')}  ${run} ${text(entry.mode)}${entry.fullReason ? ` (${text(entry.fullReason)})` : ''}`;
    case 'sync run succeeded':
      return `${paint('green', 'run finished')} ${run} ${text(entry.mode)}: ${counts(entry)} in ${seconds(entry.durationMs)}`;
    case 'sync run failed':
      return `${paint('red', 'run failed')}   ${run}: ${text(entry.code)}: ${firstLine(entry.message)}`;
    case 'sync slice stopped':
      return `slice stopped ${run}: ${reason(entry)}`;
    case 'credentials refreshed':
      return `${paint('cyan', 'refreshed')}    credentials of ${text(entry.connectionId)} (generation ${num(entry.generation)}${entry.rotated ? ', refresh token rotated' : ''})`;
    case 'credential refresh failed':
      return `refresh failed of ${text(entry.connectionId)}: ${text(entry.kind)}: ${reason(entry)}`;
    case 'webhook delivered':
      return `${paint('cyan', 'webhook')}      ${text(entry.type)} event ${text(entry.eventId)} delivered (${num(entry.status)})`;
    case 'webhook delivery failed':
      return `webhook ${text(entry.type)} event ${text(entry.eventId)} for ${text(entry.connectionId)} not delivered (attempt ${num(entry.attempt)}): ${reason(entry)}`;
    default: {
      const place = PLACE_FIELDS.filter((field) => typeof entry[field] === 'string' && entry[field] !== '')
        .map((field) => `${field}=${text(entry[field])}`)
        .join(' ');
      const why = entry.err !== undefined || entry.reason !== undefined || entry.error !== undefined ? `: ${reason(entry)}` : '';
      return `${text(entry.msg)}${why}${place ? paint('dim', `  ${place}`) : ''}`;
    }
  }
}

/** `+5 ~10 -3`: added, updated, deleted, as the webhook receiver prints them. */
function counts(entry: LogEntry): string {
  return `+${num(entry.added)} ~${num(entry.updated)} -${num(entry.deleted)}`;
}

/** The reason of a failure: pino's serialised error, a message string, `reason`, or the SDK's `error`; first line only. */
function reason(entry: LogEntry): string {
  const err = entry.err ?? entry.reason ?? entry.error;
  if (err && typeof err === 'object' && 'message' in err) return firstLine((err as { message: unknown }).message);
  return firstLine(err);
}

function firstLine(value: unknown): string {
  return text(value).split('\n')[0];
}

/** Strings, numbers and booleans as they are; an object is never spelled out (it may hold what must not be shown). */
function text(value: unknown): string {
  if (value === null || value === undefined) return '?';
  if (typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : '(see the log file)';
}

function num(value: unknown): number {
  return typeof value === 'number' ? value : 0;
}

function seconds(ms: unknown): string {
  return `${(num(ms) / 1000).toFixed(1)} s`;
}
