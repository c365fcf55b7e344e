// The store's one reading of a duplicate key, against the real database: single and unordered bulk writes, and the
// errors that are not one (another write refusal, a failure of the batch as a whole) are never read as one.
import { randomUUID } from 'node:crypto';
import { MongoBulkWriteError, MongoClient, MongoServerError, type Db } from 'mongodb';
import { AppError } from '../../../errors/app-error';
import { duplicateKeyIndexes, insertOrConflict, isDuplicateKey } from '../../../store/duplicate-key';

/** What a write rejected with, so each case can be asked of both readings. */
async function rejection(write: Promise<unknown>): Promise<unknown> {
  return write.then(() => { throw new Error('expected the write to be refused'); }, (error: unknown) => error);
}

describe('duplicate key', () => {
  let client: MongoClient;
  let db: Db;
  beforeAll(async () => {
    client = new MongoClient(process.env.MONGODB_URI as string);
    await client.connect();
    db = client.db(`t_duplicate_key_${randomUUID().slice(0, 8)}`);
  });
  afterAll(async () => {
    await db?.dropDatabase();
    await client?.close();
  });

  it('is an insertOne of an _id that exists, and nothing else a single write is refused for', async () => {
    const docs = db.collection<{ _id: string; n?: unknown }>('single');
    await docs.insertOne({ _id: 'a' });
    const duplicate = await rejection(docs.insertOne({ _id: 'a' }));
    expect(duplicate).toBeInstanceOf(MongoServerError);
    expect(isDuplicateKey(duplicate)).toBe(true);
    expect(duplicateKeyIndexes(duplicate)).toBeNull();

    // Refused for another reason (here a write conflict's code), or not the driver's error at all: the caller's to rethrow.
    expect(isDuplicateKey(new MongoServerError({ message: 'WriteConflict', code: 112 }))).toBe(false);
    expect(isDuplicateKey(new Error('E11000 duplicate key error'))).toBe(false);
    expect(isDuplicateKey(null)).toBe(false);
  });

  it('names, for an unordered insertMany, the indexes refused as duplicates while the rest are stored', async () => {
    const docs = db.collection<{ _id: string }>('bulk');
    await docs.insertMany([{ _id: 'b' }, { _id: 'd' }]);
    const error = await rejection(docs.insertMany([{ _id: 'a' }, { _id: 'b' }, { _id: 'c' }, { _id: 'd' }], { ordered: false }));
    expect(error).toBeInstanceOf(MongoBulkWriteError);
    expect(duplicateKeyIndexes(error)?.sort()).toEqual([1, 3]);
    expect(isDuplicateKey(error)).toBe(true);
    expect((await docs.find().sort({ _id: 1 }).toArray()).map((doc) => doc._id)).toEqual(['a', 'b', 'c', 'd']);
  });

  it('is not a bulk error with no write errors (the batch failed as a whole), nor one with any other refusal', () => {
    // Built as the driver builds them: the database cannot be made to fail a batch whole, or mix refusals, on demand.
    const wholeBatch = new MongoBulkWriteError({ message: 'connection closed', code: 11000, writeErrors: [] }, {} as never);
    expect(duplicateKeyIndexes(wholeBatch)).toBeNull();
    expect(isDuplicateKey(wholeBatch)).toBe(false);
    const writeError = (code: number, index: number) => ({ code, index, errmsg: String(code) });
    const mixed = new MongoBulkWriteError({ message: 'refused', code: 11000, writeErrors: [writeError(11000, 0), writeError(121, 1)] as never }, {} as never);
    expect(duplicateKeyIndexes(mixed)).toBeNull();
    expect(isDuplicateKey(mixed)).toBe(false);
  });

  it('is a 409 naming what exists when a create meets it, and the stored document is left as it was', async () => {
    const docs = db.collection<{ _id: string; owner: string }>('creates');
    await insertOrConflict(docs, { _id: 'crm', owner: 'first' }, 'integration "crm"');
    const refusal = await rejection(insertOrConflict(docs, { _id: 'crm', owner: 'second' }, 'integration "crm"'));
    expect(refusal).toBeInstanceOf(AppError);
    expect(refusal).toMatchObject({ code: 'conflict', message: 'integration "crm" already exists' });
    expect(await docs.findOne({ _id: 'crm' })).toEqual({ _id: 'crm', owner: 'first' });
  });
});
