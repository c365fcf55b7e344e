// Part of section 6: what returning one feed page of 1,000 documents costs the database, by the shape of the
// documents. On FerretDB a page costs far more than its query plan suggests; this tells whether a leaner record
// layout would reach the feed's goal, or only another engine would.
import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { feedBucketOf, type RecordDocument } from '../store/records';
import type { Row, SectionResult } from './rows';
import { percentile, sortedCopy } from './stats';

export interface DocumentShapesBenchInput {
  mongoUri: string;
  runs: number;
  log: (message: string) => void;
}

const STORED = 5000;
const PAGE = 1000;
const READS_PER_RUN = 5;

/** A Salesforce Contact as a sync stores it in a record's `data`. */
function contact(n: number) {
  const id = `003${String(n).padStart(15, '0')}`;
  return {
    Id: id,
    FirstName: 'Ada',
    LastName: `Lovelace ${n}`,
    Email: `ada${n}@example.com`,
    Phone: '(415) 555-0100',
    Title: 'Engineer',
    AccountId: '001000000000001AAA',
    OwnerId: '005000000000001AAA',
    MailingCity: 'London',
    MailingCountry: 'UK',
    Birthdate: '1815-12-10',
    LeadSource: 'Web',
    Department: 'R&D',
    CreatedDate: '2026-01-05T10:00:00.000Z',
    LastModifiedDate: '2026-01-05T10:00:00.000Z',
    SystemModstamp: '2026-01-05T10:00:00.000Z',
    IsDeleted: false,
  };
}

const feedFields = (n: number) => ({ _id: `shapes:contacts:${n}`, connectionId: 'shapes', model: 'contacts', feedBucket: feedBucketOf(n), changeSeq: n });

/** The record document the store writes (typed as it, so the probe follows the store's layout). */
function storedRecord(n: number): RecordDocument {
  const data = contact(n);
  return {
    ...feedFields(n),
    externalId: data.Id,
    data,
    hash: 'a'.repeat(40),
    lastAction: 'added',
    lastChangeRunId: 'run',
    firstSeenAt: new Date(),
    lastModifiedAt: new Date(),
    deletedAt: null,
  };
}

const SHAPES = {
  'the stored record': storedRecord,
  'the same, data as one JSON string': (n: number) => ({ ...storedRecord(n), data: JSON.stringify(contact(n)) }),
  'feed fields only (_id, connection, model, bucket, sequence)': feedFields,
} as const;

export async function benchDocumentShapes(input: DocumentShapesBenchInput): Promise<SectionResult> {
  const client = new MongoClient(input.mongoUri);
  await client.connect();
  // A database per shape, each with a `records` collection: the dev stack indexes those as it does the real one.
  const dbs = Object.keys(SHAPES).map((_, index) => client.db(`bench_shapes_${randomUUID().slice(0, 8)}_${index}`));
  try {
    const rows: Row[] = [];
    for (const [shape, make] of Object.entries(SHAPES)) {
      const collection = dbs[rows.length].collection<{ _id: string }>('records');
      await collection.insertMany(Array.from({ length: STORED }, (_, n) => make(n)));
      const p50s: number[] = [];
      for (let run = 1; run <= input.runs; run++) {
        const readMs: number[] = [];
        for (let read = 0; read < READS_PER_RUN; read++) {
          const startedAt = performance.now();
          const page = await collection.find({ connectionId: 'shapes', model: 'contacts', feedBucket: feedBucketOf(2 * PAGE) }).sort({ changeSeq: 1 }).limit(PAGE).toArray();
          readMs.push(performance.now() - startedAt);
          if (page.length !== PAGE) throw new Error(`expected a page of ${PAGE} ${shape} documents, read ${page.length}`);
        }
        p50s.push(percentile(sortedCopy(readMs), 50));
      }
      input.log(`document shapes: ${shape}: page of ${PAGE} p50 ${p50s.map((ms) => ms.toFixed(0)).join('/')} ms`);
      rows.push({ section: 6, measure: `read a page of ${PAGE} documents, ${shape} (ms, p50)`, size: `${STORED} docs`, values: p50s, decimals: 0, limitedBy: 'database: documents returned' });
    }
    return {
      rows,
      notes: [
        `**Document shapes** (6): ${STORED} documents of each shape in a records collection of their own; one bucket of ${PAGE} read ` +
          `${READS_PER_RUN} times per run with the feed's query (connection, model, bucket; sorted by sequence). What a page costs ` +
          'beyond its query is the database turning stored rows into documents; the shapes say how much of it a leaner record would save.',
      ],
    };
  } finally {
    for (const db of dbs) await db.dropDatabase().catch(() => undefined);
    await client.close();
  }
}
