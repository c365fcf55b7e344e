// Pagination helpers for syncs: the three ways APIs hand out pages, each yielding a page together with where the next
// one starts, so a sync can put that position in its checkpoint and resume there after a crash.
import LinkHeader from 'http-link-header';
import type { HttpResponse, ProviderHttpClient, RequestOptions } from './http-client';

/** One page of answers and the position of the next page; `next` is undefined after the last page. */
export interface FetchedPage<Body, Position> {
  body: Body;
  next: Position | undefined;
}

interface FirstRequest extends RequestOptions {
  /** The first page's path, relative to the connection's API base URL. */
  path: string;
}

export interface CursorPagination<Body> extends FirstRequest {
  /** The query parameter that carries the cursor: HubSpot's `after`, Stripe's `starting_after`, a plain `cursor`. */
  cursorParam: string;
  /** Reads the next page's cursor from an answer; undefined, null or empty means this was the last page. */
  nextCursor(body: Body): string | null | undefined;
  /** A cursor saved in a checkpoint: resume with the page it points at instead of the first. */
  startAt?: string;
}

/** Opaque cursors (`?after=…`): the API hands out a token for the next page in each answer's body. */
export async function* paginateByCursor<Body>(http: ProviderHttpClient, options: CursorPagination<Body>): AsyncGenerator<FetchedPage<Body, string>> {
  const { path, query, headers, cursorParam, nextCursor, startAt } = options;
  let cursor = startAt;
  for (;;) {
    const body = await http.get<Body>(path, { headers, query: { ...query, [cursorParam]: cursor } });
    const next = nextCursor(body) || undefined;
    if (next !== undefined && next === cursor) throw new Error(`${path}: the API returned the cursor it was given; paging would never end`);
    yield { body, next };
    if (next === undefined) return;
    cursor = next;
  }
}

export interface NextUrlPagination<Body> extends FirstRequest {
  /** Reads the next page's URL from an answer (Salesforce's `nextRecordsUrl`, OData's `@odata.nextLink`). */
  nextUrl(response: HttpResponse<Body>): string | null | undefined;
  /** A next-page URL saved in a checkpoint. Many expire (Salesforce query locators): a sync may prefer re-querying. */
  startAt?: string;
}

/** The API hands out the whole URL of the next page, in the body or a header; it is followed as given. */
export async function* paginateByNextUrl<Body>(http: ProviderHttpClient, options: NextUrlPagination<Body>): AsyncGenerator<FetchedPage<Body, string>> {
  let response = options.startAt
    ? await http.request<Body>('GET', options.startAt, { headers: options.headers })
    : await http.request<Body>('GET', options.path, { headers: options.headers, query: options.query });
  for (;;) {
    const next = options.nextUrl(response) || undefined;
    yield { body: response.body, next };
    if (next === undefined) return;
    // The query belongs to the first request: a next URL already carries whatever the API needs.
    response = await http.request<Body>('GET', next, { headers: options.headers });
  }
}

/** The `rel="next"` target of an RFC 8288 `Link` header (GitHub, Shopify, GitLab, Zendesk), if there is one. */
export function nextLinkOf(headers: Headers): string | undefined {
  const value = headers.get('link');
  if (!value) return undefined;
  return LinkHeader.parse(value).rel('next')[0]?.uri;
}

export type LinkHeaderPagination = FirstRequest & Pick<NextUrlPagination<unknown>, 'startAt'>;

/** Pages linked by a `Link: <…>; rel="next"` header. */
export function paginateByLinkHeader<Body>(http: ProviderHttpClient, options: LinkHeaderPagination): AsyncGenerator<FetchedPage<Body, string>> {
  return paginateByNextUrl<Body>(http, { ...options, nextUrl: (response) => nextLinkOf(response.headers) });
}

export interface OffsetPagination<Body> extends FirstRequest {
  /** Records per page, sent as `limitParam`. */
  limit: number;
  offsetParam?: string;
  limitParam?: string;
  /** The page's records: the offset moves on by their number, and a short page is the last. */
  itemsOf(body: Body): readonly unknown[];
  /** An offset saved in a checkpoint. */
  startAt?: number;
}

/**
 * `?offset=…&limit=…`. Only safe for data that does not move while it is read: a record inserted or deleted before
 * the offset shifts every later one by a place, so a page boundary skips or repeats a record. Prefer a cursor, or an
 * order by modification time with a checkpoint on it, wherever the API offers one.
 */
export async function* paginateByOffset<Body>(http: ProviderHttpClient, options: OffsetPagination<Body>): AsyncGenerator<FetchedPage<Body, number>> {
  const { path, query, headers, limit, offsetParam = 'offset', limitParam = 'limit', itemsOf } = options;
  if (!Number.isInteger(limit) || limit < 1) throw new Error(`${path}: offset paging needs a positive integer limit, not ${limit}`);
  let offset = options.startAt ?? 0;
  for (;;) {
    const body = await http.get<Body>(path, { headers, query: { ...query, [offsetParam]: offset, [limitParam]: limit } });
    const count = itemsOf(body).length;
    const next = count < limit ? undefined : offset + count;
    yield { body, next };
    if (next === undefined) return;
    offset = next;
  }
}
