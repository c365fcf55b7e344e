// The pagination helpers against a small provider-like API over real HTTP: every item exactly once, in order, for
// cursor, Link-header and offset paging; a saved position resumes at the page it names; errors end paging loudly.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { providerCatalog } from '../../providers/catalog';
import { hubspot } from '../../providers/hubspot/hubspot.provider';
import { nextLinkOf, paginateByCursor, paginateByLinkHeader, paginateByOffset, type FetchedPage } from '../../sync';
import { createProviderHttpClient } from '../../sync-engine/provider-http-client';

const ITEMS = Array.from({ length: 23 }, (_, i) => ({ id: i + 1 }));
const PAGE = 5;

interface ItemsBody {
  items: { id: number }[];
  next?: string | null;
}

describe('pagination helpers', () => {
  let server: Server;
  let baseUrl: string;
  let requests: string[];
  /** Answer the request with this number (1-based) with a 500. */
  let failRequest: number | null;

  beforeAll(async () => {
    server = createServer((req: IncomingMessage, res) => {
      requests.push(req.url ?? '');
      const url = new URL(req.url ?? '/', 'http://api.test');
      const json = (status: number, body: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      };
      if (req.headers.authorization !== 'Bearer token-1') return json(401, { message: 'no token' });
      if (failRequest === requests.length) return json(500, { message: 'boom' });
      const slice = (start: number) => ITEMS.slice(start, start + PAGE);
      switch (url.pathname) {
        case '/cursor': {
          // Opaque cursors, as most APIs hand out: here base64 of the next start index.
          const start = url.searchParams.has('after') ? Number(Buffer.from(url.searchParams.get('after') as string, 'base64url').toString()) : 0;
          const end = start + PAGE;
          return json(200, { items: slice(start), next: end < ITEMS.length ? Buffer.from(String(end)).toString('base64url') : null });
        }
        case '/stuck':
          return json(200, { items: slice(0), next: 'same' });
        case '/linked': {
          // GitHub style: absolute URLs, several relations, and the page number only in the link.
          const page = Number(url.searchParams.get('page') ?? 1);
          const links = [`<${baseUrl}/linked?page=1&per_page=${PAGE}>; rel="first"`];
          if (page * PAGE < ITEMS.length) links.push(`<${baseUrl}/linked?page=${page + 1}&per_page=${PAGE}>; rel="next"`);
          if (page > 1) links.push(`<${baseUrl}/linked?page=${page - 1}&per_page=${PAGE}>; rel="prev"`);
          return json(200, { items: slice((page - 1) * PAGE) }, { link: links.join(', ') });
        }
        case '/offset': {
          const offset = Number(url.searchParams.get('offset'));
          return json(200, { items: ITEMS.slice(offset, offset + Number(url.searchParams.get('limit'))) });
        }
        default:
          return json(404, { message: 'not found' });
      }
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));
  beforeEach(() => {
    requests = [];
    failRequest = null;
  });

  const http = () => createProviderHttpClient({
      baseUrl,
      accessToken: 'token-1',
      urlRules: providerCatalog.withUrlPolicy({ allowLoopback: true }).urlRules('hubspot'),
      maxResponseBytes: hubspot.api.maxResponseBytes,
      errorRules: hubspot.api.errorRules,
      timeoutMs: 5_000,
    });

  async function collect<P>(pages: AsyncIterable<FetchedPage<ItemsBody, P>>) {
    const ids: number[] = [];
    const positions: (P | undefined)[] = [];
    for await (const { body, next } of pages) {
      ids.push(...body.items.map((item) => item.id));
      positions.push(next);
    }
    return { ids, positions };
  }

  const allIds = ITEMS.map((item) => item.id);

  it('follows cursors to the end, and resumes at a saved cursor', async () => {
    const options = { path: '/cursor', cursorParam: 'after', nextCursor: (body: ItemsBody) => body.next };
    const { ids, positions } = await collect(paginateByCursor<ItemsBody>(http(), options));
    expect(ids).toEqual(allIds);
    expect(positions).toHaveLength(5);
    expect(positions.at(-1)).toBeUndefined();

    requests = [];
    const resumed = await collect(paginateByCursor<ItemsBody>(http(), { ...options, startAt: positions[2] }));
    expect(resumed.ids).toEqual(allIds.slice(3 * PAGE));
    expect(requests).toHaveLength(2);
  });

  it('refuses a cursor that does not move instead of looping forever', async () => {
    const pages = paginateByCursor<ItemsBody>(http(), { path: '/stuck', cursorParam: 'after', nextCursor: (body) => body.next, startAt: 'same' });
    await expect(collect(pages)).rejects.toThrow(/returned the cursor it was given/);
  });

  it('follows rel="next" links, ignoring the other relations, and resumes at a saved link', async () => {
    const { ids, positions } = await collect(paginateByLinkHeader<ItemsBody>(http(), { path: '/linked', query: { per_page: PAGE } }));
    expect(ids).toEqual(allIds);
    expect(requests).toEqual(['/linked?per_page=5', ...[2, 3, 4, 5].map((page) => `/linked?page=${page}&per_page=5`)]);

    const resumed = await collect(paginateByLinkHeader<ItemsBody>(http(), { path: '/linked', startAt: positions[0] }));
    expect(resumed.ids).toEqual(allIds.slice(PAGE));
  });

  it('reads rel="next" from any RFC 8288 Link header', () => {
    const headers = new Headers({ link: '<https://api.example.com/a?x=1,2>; rel="prev first", <https://api.example.com/b>; title="a, b"; rel=next' });
    expect(nextLinkOf(headers)).toBe('https://api.example.com/b');
    expect(nextLinkOf(new Headers({ link: '<https://api.example.com/a>; rel="prev"' }))).toBeUndefined();
    expect(nextLinkOf(new Headers())).toBeUndefined();
  });

  it('moves the offset by what each page held and stops at a short page', async () => {
    const { ids, positions } = await collect(paginateByOffset<ItemsBody>(http(), { path: '/offset', limit: PAGE, itemsOf: (body) => body.items }));
    expect(ids).toEqual(allIds);
    expect(positions).toEqual([5, 10, 15, 20, undefined]);

    const resumed = await collect(paginateByOffset<ItemsBody>(http(), { path: '/offset', limit: PAGE, itemsOf: (body) => body.items, startAt: 20 }));
    expect(resumed.ids).toEqual(allIds.slice(20));
  });

  it('ends with an empty page when the last full page was exactly the end', async () => {
    const { ids, positions } = await collect(paginateByOffset<ItemsBody>(http(), { path: '/offset', limit: 23, itemsOf: (body) => body.items }));
    expect(ids).toEqual(allIds);
    expect(positions).toEqual([23, undefined]);
  });

  it('surfaces a provider error mid-paging as a classified ProviderError, after the pages before it', async () => {
    failRequest = 3;
    const seen: number[] = [];
    const reading = (async () => {
      for await (const { body } of paginateByCursor<ItemsBody>(http(), { path: '/cursor', cursorParam: 'after', nextCursor: (b) => b.next })) {
        seen.push(...body.items.map((item) => item.id));
      }
    })();
    await expect(reading).rejects.toMatchObject({ name: 'ProviderError', kind: 'transient' });
    expect(seen).toEqual(allIds.slice(0, 2 * PAGE));
  });
});
