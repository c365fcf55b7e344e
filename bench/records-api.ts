// Reads a connection's whole changes feed the way an app does: GET /records, following nextCursor page by page.
import type { BenchStack } from './stack';

export interface FeedRead {
  records: number;
  seconds: number;
  pageMs: number[];
}

interface RecordsPage {
  records: unknown[];
  nextCursor: string;
  hasMore: boolean;
}

/** Follows nextCursor until the feed is read or `maxPages` pages were (page latency is what grows with size). */
export async function readFeed(stack: BenchStack, connectionId: string, model: string, limit: number, maxPages = Infinity): Promise<FeedRead> {
  const pageMs: number[] = [];
  let records = 0;
  let cursor: string | undefined;
  const startedAt = performance.now();
  for (;;) {
    const query = new URLSearchParams({ connectionId, model, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const pageStartedAt = performance.now();
    const page = await stack.api<RecordsPage>('GET', `/records?${query}`);
    pageMs.push(performance.now() - pageStartedAt);
    if (page.status !== 200) throw new Error(`GET /records answered ${page.status}: ${JSON.stringify(page.body)}`);
    records += page.body.records.length;
    cursor = page.body.nextCursor;
    if (!page.body.hasMore || pageMs.length >= maxPages) break;
  }
  return { records, seconds: (performance.now() - startedAt) / 1000, pageMs };
}
