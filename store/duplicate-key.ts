// Whether a write failed only because its key already exists: the store's one reading of MongoDB's error 11000.
import { MongoBulkWriteError, MongoServerError, type Collection, type Document, type OptionalUnlessRequiredId } from 'mongodb';
import { AppError } from '../errors/app-error';

/** MongoDB's duplicate-key error (E11000); FerretDB answers with the same code. */
// eslint-disable-next-line no-restricted-syntax -- the one place the code is spelled (the rule sends everyone else here)
const DUPLICATE_KEY = 11000;

/**
 * For an unordered bulk write (insertMany with `ordered: false`): the indexes of the documents refused as duplicates,
 * when that is all that went wrong; null for any other error, which the caller rethrows. A batch that failed as a
 * whole (its connection closed, as a database restart closes it) arrives as a bulk error with no write errors:
 * nothing then says what was stored, so it is null too.
 */
export function duplicateKeyIndexes(error: unknown): number[] | null {
  if (!(error instanceof MongoBulkWriteError)) return null;
  const writeErrors = [error.writeErrors].flat();
  if (writeErrors.length === 0 || writeErrors.some((writeError) => writeError.code !== DUPLICATE_KEY)) return null;
  return writeErrors.map((writeError) => writeError.index);
}

/** A single write (insertOne) that met an existing unique key, or a bulk write whose every refusal was one. */
export function isDuplicateKey(error: unknown): boolean {
  if (error instanceof MongoBulkWriteError) return duplicateKeyIndexes(error) !== null;
  return error instanceof MongoServerError && error.code === DUPLICATE_KEY;
}

/** Inserts a document whose key must be new: an existing one is the API's 409, saying `what` already exists. */
export async function insertOrConflict<T extends Document>(collection: Collection<T>, doc: OptionalUnlessRequiredId<T>, what: string): Promise<void> {
  try {
    await collection.insertOne(doc);
  } catch (error) {
    if (isDuplicateKey(error)) throw new AppError('conflict', `${what} already exists`);
    throw error;
  }
}
