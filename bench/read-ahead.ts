// Reads one item ahead of its consumer: the next page is fetched while the current one is written.

/**
 * Iterates `source` with at most one item read ahead: as soon as the consumer receives an item, the next one is asked
 * for, so fetching it overlaps with whatever the consumer does with the current one. Never more than one item is
 * waiting (memory stays flat), items come in the source's order, and a failure of the read ahead reaches the consumer
 * only when it asks for that item, after it has finished with (and checkpointed) the one before.
 *
 * `readAheadOf(item)` false: the item after it is read only when asked for (the consumer expects to stop there).
 *
 * A consumer that stops early (break, return, throw) ends the source after the read in flight settles, so the source's
 * own cleanup runs and nothing keeps running behind it; that read's item, or its failure, is dropped.
 */
export async function* readAhead<T>(
  source: AsyncIterable<T>,
  { readAheadOf = () => true }: { readAheadOf?: (item: T) => boolean } = {},
): AsyncGenerator<T, void, undefined> {
  const iterator = source[Symbol.asyncIterator]();
  let ahead: Promise<IteratorResult<T>> | null = iterator.next();
  let finished = false;
  try {
    while (true) {
      const current: IteratorResult<T> = await (ahead ?? iterator.next());
      ahead = null;
      if (current.done) {
        finished = true;
        return;
      }
      // The consumer may know it will stop after this item (a slice about to hand back): then nothing is read for it.
      if (readAheadOf(current.value)) {
        ahead = iterator.next();
        // Until the consumer asks for it, a failure of the read ahead must not count as unhandled.
        ahead.catch(() => undefined);
      }
      yield current.value;
    }
  } catch (error) {
    // The source itself failed: a generator that threw is already closed.
    finished = true;
    throw error;
  } finally {
    if (!finished) {
      if (ahead) await ahead.catch(() => undefined);
      await iterator.return?.();
    }
  }
}
