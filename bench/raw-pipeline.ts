// The floor an engine is measured against: a plain loop that reads the same Salesforce pages and bulk-writes the same
// documents into the same database, with no Temporal, no validation, no checkpoints and no change feed; sequential
// (fetch, write, fetch…) or pipelined (the next page fetched while the current one is written).
import type { Collection, Db } from 'mongodb';
import type { HttpMethod, ProviderHttpClient, RequestOptions } from '../sync/http-client';
import type { SyncDefinition } from '../sync/sync-definition';
import { contentHash } from '../store/content-hash';
import { duplicateKeyIndexes } from '../store/duplicate-key';
import { COLLECTIONS } from '../store/database';
import { feedBucketOf, recordKey, type RecordDocument } from '../store/records';
import { readAhead } from './read-ahead';

export interface RawPipelineInput {
  db: Db;
  sync: SyncDefinition;
  pageSize: number;
  instanceUrl: string;
  accessToken: string;
  connectionId: string;
  /** Fetch the next page while the current one is written (one page ahead), as the end-to-end path does. */
  pipelined?: boolean;
}

export interface RawPipelineResult {
  records: number;
  pages: number;
  seconds: number;
}


export async function runRawPipeline(input: RawPipelineInput): Promise<RawPipelineResult> {
  const { db, sync, connectionId } = input;
  const collection = db.collection<RecordDocument>(COLLECTIONS.records);
  const first = await firstRequestOf(sync, input.pageSize);
  const headers = { authorization: `Bearer ${input.accessToken}`, accept: 'application/json', ...first.options.headers };
  const startedAt = performance.now();
  const firstUrl = withQuery(new URL(first.path, input.instanceUrl), first.options.query).toString();
  const fetched = fetchPages(firstUrl, headers, input.instanceUrl);
  let records = 0;
  let pages = 0;
  let seq = 0;
  for await (const page of input.pipelined ? readAhead(fetched) : fetched) {
    const now = new Date();
    const documents: RecordDocument[] = [];
    for (const { attributes: _attributes, ...data } of page.records) {
      if (data.IsDeleted === true) continue;
      const externalId = String(data.Id);
      documents.push({
        _id: recordKey(connectionId, sync.model, externalId),
        connectionId,
        model: sync.model,
        externalId,
        data,
        hash: contentHash(data, sync.ignoredFields ?? []),
        firstSeenAt: now,
        lastModifiedAt: now,
        lastAction: 'added',
        deletedAt: null,
        changeSeq: ++seq,
        feedBucket: feedBucketOf(seq),
        lastChangeRunId: 'raw',
      });
    }
    await upsertAll(collection, documents);
    records += documents.length;
    pages++;
  }
  return { records, pages, seconds: (performance.now() - startedAt) / 1000 };
}

interface QueryPage {
  done: boolean;
  nextRecordsUrl?: string;
  records: Record<string, unknown>[];
}

/** Follows nextRecordsUrl from the first page to the last. */
async function* fetchPages(firstUrl: string, headers: Record<string, string>, instanceUrl: string): AsyncGenerator<QueryPage> {
  let url: string | undefined = firstUrl;
  while (url) {
    const response = await fetch(url, { headers });
    if (!response.ok) throw new Error(`raw pipeline: GET ${url} answered ${response.status}: ${await response.text()}`);
    const page = (await response.json()) as QueryPage;
    yield page;
    url = page.done || !page.nextRecordsUrl ? undefined : new URL(page.nextRecordsUrl, instanceUrl).toString();
  }
}

/**
 * Insert, and replace only what already existed: an upsert per document (replaceOne with upsert) is what a naive loop
 * would send, but FerretDB answers each one with a collection scan (measured: ~10 s per 2,000-document page against
 * ~0.15 s for an insertMany), which would make the floor meaningless.
 */
async function upsertAll(collection: Collection<RecordDocument>, documents: RecordDocument[]): Promise<void> {
  if (documents.length === 0) return;
  try {
    await collection.insertMany(documents, { ordered: false });
  } catch (error) {
    const refused = duplicateKeyIndexes(error);
    if (!refused) throw error;
    await collection.bulkWrite(
      refused.map((index) => {
        const document = documents[index];
        return { replaceOne: { filter: { _id: document._id }, replacement: document, upsert: true } };
      }),
      { ordered: false },
    );
  }
}

/** The sync's own first request (SOQL, endpoint, batch-size header), captured by running it against a stub. */
async function firstRequestOf(sync: SyncDefinition, pageSize: number): Promise<{ path: string; options: RequestOptions }> {
  let captured: { path: string; options: RequestOptions } | null = null;
  const emptyAnswer = { totalSize: 0, done: true, records: [] };
  const stub: ProviderHttpClient = {
    async get<T>(path: string, options: RequestOptions = {}): Promise<T> {
      return (await stub.request<T>('GET', path, options)).body;
    },
    async post<T>(): Promise<T> {
      throw new Error('the raw pipeline only reads');
    },
    async request<T>(method: HttpMethod, path: string, { body: _body, ...options }: RequestOptions & { body?: unknown } = {}) {
      if (method !== 'GET') throw new Error('the raw pipeline only reads');
      captured ??= { path, options };
      return { status: 200, headers: new Headers(), body: emptyAnswer as T };
    },
  };
  for await (const _page of sync.fetchPages({ mode: 'incremental', checkpoint: null, http: stub, pageSize, lookbackMs: 0 })) break;
  if (!captured) throw new Error(`sync ${sync.model} made no request`);
  return captured;
}

function withQuery(url: URL, query: RequestOptions['query'] = {}): URL {
  for (const [key, value] of Object.entries(query)) if (value !== undefined) url.searchParams.set(key, String(value));
  return url;
}
