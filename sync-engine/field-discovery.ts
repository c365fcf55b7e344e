// Remembers, per connection and model, which fields the customer's account has, so a run asks the provider only
// once in a while (a describe call counts toward the same rate limits as a page).
import { selectFields, type AvailableField, type FieldSelection } from '../sync/fields';
import type { ProviderHttpClient } from '../sync/http-client';
import type { SyncDefinition } from '../sync/sync-definition';

/** Long enough that syncs every few minutes rarely describe; short enough that a new custom field shows within the hour. */
export const FIELD_LIST_TTL_MS = 15 * 60_000;

interface Entry {
  fields: AvailableField[];
  fetchedAt: number;
}

export class FieldDiscovery {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly ttlMs = FIELD_LIST_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * What this run reads, or `null` for a sync that reads a fixed set. `extra` are the integration's additional
   * fields for the model (or `*`). Lists the account's fields through `http` when the remembered list is stale.
   */
  async select(key: string, sync: SyncDefinition, http: ProviderHttpClient, extra: readonly string[]): Promise<FieldSelection | null> {
    if (!sync.fields) return null;
    let entry = this.entries.get(key);
    if (!entry || this.now() - entry.fetchedAt >= this.ttlMs) {
      entry = { fields: await sync.fields.list(http), fetchedAt: this.now() };
      this.entries.set(key, entry);
    }
    return selectFields(sync.fields, entry.fields, extra);
  }

  /** The provider refused a field the list had (its field-level security changed): list again next time. */
  forget(key: string): void {
    this.entries.delete(key);
  }
}
