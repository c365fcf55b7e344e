// Records kept in (key, id) order for one sort of the list endpoint, so a page starts with a binary search after
// its cursor instead of sorting the whole company on every request.
import type { StoredRecord } from './record-values';

export type SortKey = (record: StoredRecord) => number;

/** (key, id) pairs compare by key, then id: the tie-break that makes a cursor exact among equal update times. */
export function compareKeys(keyA: number, idA: number, keyB: number, idB: number): number {
  return keyA !== keyB ? keyA - keyB : idA - idB;
}

export class SortedIndex {
  items: StoredRecord[] = [];

  constructor(readonly key: SortKey) {}

  /** First position whose (key, id) is ≥ the given pair. */
  lowerBound(key: number, id: number): number {
    let low = 0;
    let high = this.items.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      const item = this.items[middle];
      if (compareKeys(this.key(item), item.id, key, id) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  insert(record: StoredRecord): void {
    this.items.splice(this.lowerBound(this.key(record), record.id), 0, record);
  }

  /** Call before the record's key changes: it is found by the key it was filed under. */
  remove(record: StoredRecord): void {
    const at = this.lowerBound(this.key(record), record.id);
    if (this.items[at] === record) this.items.splice(at, 1);
  }

  /** Many records at once (seeding): appended, then sorted once. */
  addAll(records: readonly StoredRecord[]): void {
    for (const record of records) this.items.push(record);
    this.items.sort((a, b) => compareKeys(this.key(a), a.id, this.key(b), b.id));
  }

  removeWhere(predicate: (record: StoredRecord) => boolean): void {
    this.items = this.items.filter((record) => !predicate(record));
  }
}
