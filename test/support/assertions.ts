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

/**
 * Waits for the run that followed `previousRunId` (the model's first run when null) to finish, and returns its view.
 * "Followed", not "latest": a run that a later run overtakes before the poll sees it finish must still be the one
 * returned, or a quick second run (a pending resync) would be mistaken for the first.
 */
export async function waitForRunAfter(stack: TestStack, connectionId: string, model: string, previousRunId: string | null, timeoutMs = 60_000) {
  return eventually(
    async () => {
      const listing = await stack.api('GET', `/connections/${connectionId}/runs?model=${encodeURIComponent(model)}&limit=100`);
      const newestFirst = listing.body.runs ?? [];
      const previousIndex = previousRunId === null ? newestFirst.length : newestFirst.findIndex((r: { runId: string }) => r.runId === previousRunId);
      // A previous run no longer listed (a deleted life's): the latest other run is the one that followed it.
      const next = previousIndex === -1 ? newestFirst.find((r: { runId: string }) => r.runId !== previousRunId) : newestFirst[previousIndex - 1];
      return next && next.status !== 'running' ? next : null;
    },
    { timeoutMs, what: `the finished ${model} run that followed ${previousRunId ?? 'none (the first run)'}` },
  );
}
