// Reading the outcome of syncs the way an app would: the changes feed, the status API, the stored documents.
import { eventually } from './eventually';
import type { TestStack } from './test-stack';

export interface FeedRecord {
  id: string;
  action: 'added' | 'updated' | 'deleted';
  data: Record<string, unknown>;
  deletedAt: string | null;
  cursor: string;
}

/** Follows nextCursor from `cursor` until hasMore is false; `filters` are further query parameters (`filter`, `modifiedAfter`). */
export async function readWholeFeed(
  stack: TestStack,
  connectionId: string,
  model: string,
  cursor: string | undefined,
  limit: number,
  filters: Record<string, string> = {},
): Promise<FeedRecord[]> {
  const all: FeedRecord[] = [];
  let next = cursor;
  for (;;) {
    const query = new URLSearchParams({ connectionId, model, limit: String(limit), ...filters, ...(next ? { cursor: next } : {}) });
    const page = await stack.api('GET', `/records?${query}`);
    if (page.status !== 200) throw new Error(`GET /records: ${page.status} ${JSON.stringify(page.body)}`);
    all.push(...page.body.records);
    next = page.body.nextCursor;
    if (!page.body.hasMore) return all;
  }
}

export async function storedLiveRecords(stack: TestStack, connectionId: string, model: string): Promise<Map<string, Record<string, unknown>>> {
  const docs = await stack.store.records.collection.find({ connectionId, model, lastAction: { $ne: 'deleted' } }).toArray();
  return new Map(docs.map((d) => [d.externalId, d.data]));
}

/** Waits until the model's latest run differs from `previousRunId` and has finished, and returns its view. */
export async function waitForRunAfter(stack: TestStack, connectionId: string, model: string, previousRunId: string | null, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const status = await stack.api('GET', `/connections/${connectionId}`);
      const run = status.body.syncs?.[model]?.lastRun;
      return run && run.runId !== previousRunId && run.status !== 'running' ? run : null;
    },
    { timeoutMs, what: `a finished ${model} run after ${previousRunId}` },
  );
}
