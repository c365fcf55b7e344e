// How a sync run reads: from its checkpoint, or everything again (marking what it no longer sees as deleted).
// Declared once here; the API's schema, the store, the sync API, activities and webhooks all use it.

export const SYNC_MODES = ['incremental', 'full'] as const;

export type SyncMode = (typeof SYNC_MODES)[number];
