// Pipedrive's search index, which trails the records: a change becomes findable only `searchIndexLagMs` after it
// is made, so "create, lose the answer, search by email at once" finds nothing, as it can in production.
import type { FieldCatalog, PipedriveObject } from './fields';
import type { StoredRecord } from './record-values';

/** The text search matches a record by, per searchable field. */
export interface SearchDocument {
  name: string[];
  email: string[];
  phone: string[];
  address: string[];
  custom_fields: string[];
  notes: string[];
}

interface Entry {
  visible: SearchDocument | null;
  pending: SearchDocument | null;
  pendingFromMs: number;
}

/** Only text-like custom fields are searchable (Pipedrive: address, varchar, text, varchar_auto, double, monetary, phone). */
const SEARCHABLE_CUSTOM_TYPES = new Set(['varchar', 'text', 'double', 'monetary', 'phone']);

export function searchDocument(record: StoredRecord, fields: FieldCatalog): SearchDocument {
  const { values } = record;
  const custom: string[] = [];
  for (const field of fields.custom(record.object)) {
    const value = values.custom_fields[field.code];
    if (value === null || value === undefined || !SEARCHABLE_CUSTOM_TYPES.has(field.type)) continue;
    custom.push(typeof value === 'object' ? String((value as { value: unknown }).value) : String(value));
  }
  return {
    name: [values.name],
    email: (values.emails ?? []).map((point) => point.value),
    phone: (values.phones ?? []).map((point) => point.value),
    address: values.address ? [values.address.value] : [],
    custom_fields: custom,
    notes: [],
  };
}

export class SearchIndex {
  private readonly entries: Record<PipedriveObject, Map<number, Entry>> = { persons: new Map(), organizations: new Map() };

  /** The record as it is now becomes findable at `visibleFromMs`; until then search sees what it saw before. */
  changed(object: PipedriveObject, id: number, document: SearchDocument, visibleFromMs: number, nowMs: number): void {
    const entries = this.entries[object];
    const entry = entries.get(id) ?? { visible: null, pending: null, pendingFromMs: 0 };
    this.settle(entry, nowMs);
    entry.pending = document;
    entry.pendingFromMs = visibleFromMs;
    entries.set(id, entry);
    this.settle(entry, nowMs);
  }

  remove(object: PipedriveObject, id: number): void {
    this.entries[object].delete(id);
  }

  /** What search finds for the record at `nowMs`; null while a created record is not indexed yet. */
  document(object: PipedriveObject, id: number, nowMs: number): SearchDocument | null {
    const entry = this.entries[object].get(id);
    if (!entry) return null;
    this.settle(entry, nowMs);
    return entry.visible;
  }

  private settle(entry: Entry, nowMs: number): void {
    if (entry.pending && nowMs >= entry.pendingFromMs) {
      entry.visible = entry.pending;
      entry.pending = null;
    }
  }
}
