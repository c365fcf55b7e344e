// How the console talks to the API: same-origin fetch with the session cookie, the CSRF token on every state change,
// and the API's error body turned into an ApiError the pages can show (its message, its fields, the scope it needs).

/** One bad field of a 400, as the API names it: `body.authorizationUrl`, `query.limit`. */
export interface FieldProblem {
  field: string;
  message: string;
}

interface ErrorBodyOnTheWire {
  error?: { code?: unknown; message?: unknown; fields?: unknown; requiredScope?: unknown };
}

export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    readonly status: number,
    /** The API's stable code (`validation_failed`, `forbidden`, `csrf_failed`, …), or `network` when nothing answered. */
    readonly code: string,
    message: string,
    readonly fields: FieldProblem[] = [],
    readonly requiredScope: string | null = null,
  ) {
    super(message);
  }

  /** The problem with one field of the request body, for showing it beside its input. */
  fieldMessage(field: string): string | undefined {
    return this.fields.find((problem) => problem.field === `body.${field}` || problem.field.startsWith(`body.${field}.`))?.message;
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>;

type Method = 'GET' | 'POST' | 'PATCH' | 'DELETE';

// Held in memory only: it is not a credential by itself (the HttpOnly cookie is), and a reload asks for it again.
let csrfToken: string | null = null;
let onSessionLost: () => void = () => undefined;

export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called once by the app: any 401 from a data call means the session ended (expired, signed out elsewhere). */
export function whenSessionLost(callback: () => void): void {
  onSessionLost = callback;
}

export function withQuery(path: string, query: Query = {}): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== '' && value !== false) search.set(name, String(value));
  }
  const text = search.toString();
  return text ? `${path}?${text}` : path;
}

export interface RequestOptions {
  query?: Query;
  body?: unknown;
  /** The session calls themselves: a 401 there is an answer, not a lost session. */
  sessionCall?: boolean;
}

export async function request<T>(method: Method, path: string, options: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['x-csrf-token'] = csrfToken;
  let response: Response;
  try {
    response = await fetch(withQuery(path, options.query), {
      method,
      headers,
      credentials: 'same-origin',
      // Nothing the console reads may come from a cache another session filled.
      cache: 'no-store',
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
  } catch {
    throw new ApiError(0, 'network', 'The API did not answer; check that it is running and try again.');
  }
  const text = await response.text();
  const json = parseJson(text);
  if (response.ok) return json as T;
  if (response.status === 401 && !options.sessionCall) onSessionLost();
  throw toApiError(response.status, json);
}

function toApiError(status: number, json: unknown): ApiError {
  const error = (json as ErrorBodyOnTheWire | undefined)?.error;
  const message = typeof error?.message === 'string' ? error.message : `The API answered ${status}.`;
  const code = typeof error?.code === 'string' ? error.code : `http_${status}`;
  const fields = Array.isArray(error?.fields)
    ? error.fields.filter((f): f is FieldProblem => typeof f?.field === 'string' && typeof f?.message === 'string')
    : [];
  const requiredScope = typeof error?.requiredScope === 'string' ? error.requiredScope : null;
  return new ApiError(status, code, message, fields, requiredScope);
}

function parseJson(text: string): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
