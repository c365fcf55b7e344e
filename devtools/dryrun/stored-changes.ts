// What a dry run's pages would change in the store: added, updated, unchanged and deleted ids, by the store's own rules.
import type { FeedId } from '../../store/change-feeds';
import type { RecordRepository, StoredState } from '../../store/records';
import type { ReadPage } from '../../sync';

export interface ChangeIds {
  added: string[];
  updated: string[];
  unchanged: string[];
  deleted: string[];
}

/**
 * Asks the store, read-only, what each page would do (RecordRepository.previewPage: the same dedupe, content hash and
 * delete rules as applyPage), remembering what earlier pages of the dry run would have stored, as a run writing them
 * would have.
 */
export class StoredChanges {
  private pending = new Map<string, StoredState>();
  private seen = new Set<string>();
  private ids: ChangeIds = { added: [], updated: [], unchanged: [], deleted: [] };

  constructor(
    private readonly records: Pick<RecordRepository, 'previewPage' | 'previewUnseen'>,
    private readonly feed: FeedId,
    private readonly ignoredFields: readonly string[],
  ) {}

  get changes(): ChangeIds {
    return this.ids;
  }

  async page(page: ReadPage): Promise<void> {
    const preview = await this.records.previewPage({ ...this.feed, upserts: page.records, deletedIds: page.deletedIds, ignoredFields: this.ignoredFields }, this.pending);
    for (const record of page.records) this.seen.add(record.externalId);
    for (const action of ['added', 'updated', 'unchanged', 'deleted'] as const) this.ids[action].push(...preview[action]);
  }

  /** A full resync that read everything marks the live records it did not see as deleted: these. */
  async unseenDeletes(): Promise<string[]> {
    const unseen = await this.records.previewUnseen(this.feed, this.seen, this.pending);
    this.ids.deleted.push(...unseen);
    return unseen;
  }

  /** Forgets everything, for a read that starts over. */
  reset(): void {
    this.pending = new Map();
    this.seen = new Set();
    this.ids = { added: [], updated: [], unchanged: [], deleted: [] };
  }
}
