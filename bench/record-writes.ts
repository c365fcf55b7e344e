// Section 6 on the store alone (no Temporal, no provider): what applying changed records, a no-change lookback page
// and a feed page cost over N stored records, against inserting as many new ones on the same database.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { ensureIndexes } from '../store/database';
import { RecordRepository } from '../store/records';
import type { Row, SectionResult } from './rows';
import { percentile, sortedCopy } from './stats';

export interface RecordWritesBenchInput {
  mongoUri: string;
  /** Records stored before measuring. */
  sizes: number[];
  runs: number;
  log: (message: string) => void;
}

const CONNECTION = 'store-bench';
const MODEL = 'contacts';
const PAGE = 2000;
const CHANGED = 10_000;
const LOOKBACK = 10;
const FEED_PAGE = 1000;
const FEED_PAGES = 5;
const WRITE_COMMANDS = new Set(['insert', 'update', 'delete', 'findAndModify']);

export async function benchRecordWrites(input: RecordWritesBenchInput): Promise<SectionResult> {
  // A client of its own, to count the write commands the store sends (the API's and worker's are elsewhere).
  const client = new MongoClient(input.mongoUri, { monitorCommands: true });
  await client.connect();
  let writes = 0;
  client.on('commandStarted', (event) => {
    if (WRITE_COMMANDS.has(event.commandName)) writes++;
  });
  const db = client.db(`bench_records_${randomUUID().slice(0, 8)}`);
  const result: SectionResult = { rows: [], notes: [] };
  try {
    await ensureIndexes(db);
    const records = new RecordRepository(db);
    const apply = async (runId: string, from: number, count: number, version: number) => {
      for (let offset = from; offset < from + count; offset += PAGE) {
        await records.applyPage({
          connectionId: CONNECTION,
          model: MODEL,
          runId,
          seenMark: null,
          upserts: contacts(offset, Math.min(PAGE, from + count - offset), version),
          deletedIds: [],
          ignoredFields: [],
        });
      }
    };
    const timed = async (work: () => Promise<unknown>) => {
      const startedAt = performance.now();
      await work();
      return performance.now() - startedAt;
    };
    let stored = 0;
    let nextNew = 0;
    for (const size of input.sizes) {
      const seedMs = await timed(() => apply('seed', nextNew, size - stored, 1));
      nextNew = size;
      stored = size;
      input.log(`records section: ${size} stored (seeded in ${(seedMs / 1000).toFixed(1)} s)`);
      const newSeconds: number[] = [];
      const changedSeconds: number[] = [];
      const lookbackMs: number[] = [];
      const lookbackWrites: number[] = [];
      const feedP50: number[] = [];
      for (let run = 1; run <= input.runs; run++) {
        newSeconds.push((await timed(() => apply(`new-${run}`, nextNew, CHANGED, 1))) / 1000);
        nextNew += CHANGED;
        stored += CHANGED;
        // The first CHANGED records of the seed get new content: run 1 writes version 2, run 2 version 3, …
        changedSeconds.push((await timed(() => apply(`changed-${run}`, 0, CHANGED, run + 1))) / 1000);
        const writesBefore = writes;
        lookbackMs.push(await timed(() => apply(`lookback-${run}`, CHANGED - LOOKBACK, LOOKBACK, run + 1)));
        lookbackWrites.push(writes - writesBefore);
        await records.feeds.publishAll({ connectionId: CONNECTION, model: MODEL });
        const pageMs: number[] = [];
        let afterSeq = 0;
        for (let page = 0; page < FEED_PAGES; page++) {
          const startedAt = performance.now();
          const read = await records.readChanges({ connectionId: CONNECTION, model: MODEL, afterSeq, limit: FEED_PAGE });
          pageMs.push(performance.now() - startedAt);
          afterSeq = read.readThrough;
        }
        feedP50.push(percentile(sortedCopy(pageMs), 50));
        input.log(
          `records section ${size} run ${run}: new ${newSeconds.at(-1)?.toFixed(2)} s, changed ${changedSeconds.at(-1)?.toFixed(2)} s, ` +
            `lookback ${lookbackMs.at(-1)?.toFixed(0)} ms / ${lookbackWrites.at(-1)} writes, feed page p50 ${feedP50.at(-1)?.toFixed(0)} ms`,
        );
      }
      const row = (measure: string, values: number[], decimals: number, limitedBy: string): Row => ({ section: 6, measure, size: String(size), values, decimals, limitedBy });
      result.rows.push(
        row(`insert ${CHANGED} new records (s)`, newSeconds, 2, 'one insertMany per page'),
        row(`apply ${CHANGED} changed records (s)`, changedSeconds, 2, 'one _id lookup + one update per record'),
        row('changed ÷ new (target ≤ 3)', changedSeconds.map((seconds, i) => seconds / newSeconds[i]), 2, 'see the two rows above'),
        row(`no-change lookback page of ${LOOKBACK} (ms)`, lookbackMs, 0, `${LOOKBACK} _id lookups`),
        row('no-change lookback page: write commands (target 0)', lookbackWrites, 0, 'database'),
        row(`feed page of ${FEED_PAGE} through the store, p50 (ms; target ≤ 100 at 100k, ≤ 200 at 1M)`, feedP50, 0, 'bucket reads'),
      );
    }
    result.notes.push(
      `**Record writes** (6): measured on the store alone, in a database of their own, pages of ${PAGE}; the changed records ` +
        `are the first ${CHANGED} stored, each with new content. Stored grows by ${CHANGED} new records per run.`,
    );
    return result;
  } finally {
    await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}

function contacts(from: number, count: number, version: number) {
  return Array.from({ length: count }, (_, i) => {
    const n = from + i;
    const id = `003${String(n).padStart(15, '0')}`;
    return {
      externalId: id,
      data: { Id: id, FirstName: `First${n}`, LastName: `Last${n}`, Email: `contact${n}@example.com`, Phone: '+1 555 0100', Title: 'Buyer', version },
    };
  });
}
