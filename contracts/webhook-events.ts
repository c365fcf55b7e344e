// The webhook events Tributary sends to the product; what the app receives, exactly.
import type { SyncMode } from './sync-mode';

export interface SyncWebhookEvent {
  /** Unique per event and stable across redeliveries: the app's idempotency key. */
  id: string;
  type: 'sync';
  connectionId: string;
  integration: string;
  model: string;
  mode: SyncMode;
  /** `failed`: the run stopped early, but these changes were stored and are in the feed; the next run continues. */
  status: 'succeeded' | 'failed';
  added: number;
  updated: number;
  deleted: number;
  /** Records that failed the model's schema and were not stored; `GET /connections/:id/runs` shows which and why. */
  invalidRecords: number;
  startedAt: string;
  finishedAt: string;
  /** Where to fetch exactly these changes: GET /records?connectionId=…&model=…&cursor=<cursor> until nextCursor reaches endCursor. */
  changes: { cursor: string; endCursor: string; path: string };
}

export interface AuthWebhookEvent {
  id: string;
  type: 'auth';
  connectionId: string;
  integration: string;
  operation: 'creation' | 'refresh' | 'reauthorization';
  success: boolean;
  error: string | null;
  at: string;
}

export type WebhookEvent = SyncWebhookEvent | AuthWebhookEvent;
