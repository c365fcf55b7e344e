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
  /**
   * Why a `full` run read everything: `initial` (asked for before the model's first run), `requested` (the app asked),
   * or what the sync stores changed (`version 3 → 4`, `fields added: Tier__c`, several joined by `; `). Null when
   * `mode` is `incremental`, and for a full run recorded before reasons were kept.
   */
  fullReason: string | null;
  /** `failed`: the run stopped early, but these changes were stored and are in the feed; the next run continues. */
  status: 'succeeded' | 'failed';
  added: number;
  updated: number;
  deleted: number;
  /** Records that failed the model's schema and were not stored; `GET /connections/:id/runs` shows which and why. */
  invalidRecords: number;
  startedAt: string;
  finishedAt: string;
  /** The app's own metadata of the connection (`PATCH /connections/:id`), as it is when the event is delivered. */
  metadata?: Record<string, unknown> | null;
  /**
   * The unified models this model's changes also are (`["crm.contacts"]` for `contacts`): read them with the same
   * cursors, `GET /records?model=crm.contacts&cursor=<cursor>`. Empty when the model maps to none.
   */
  unifiedModels?: string[];
  /** Where to fetch exactly these changes: GET /records?connectionId=…&model=…&cursor=<cursor> until nextCursor reaches endCursor. */
  changes: { cursor: string; endCursor: string; path: string };
}

export interface AuthWebhookEvent {
  id: string;
  type: 'auth';
  connectionId: string;
  integration: string;
  /**
   * `account_change`: a re-authorisation its connect session allowed moved the connection to another provider account
   * (`accountChange` says which). The connection's data started over: records, changes feeds and cursors of the old
   * account are gone from it (cursors into them answer 400), and every model reads the new account from the start.
   */
  operation: 'creation' | 'refresh' | 'reauthorization' | 'account_change';
  success: boolean;
  error: string | null;
  at: string;
  /** `account_change` only: the account ids before and after. */
  accountChange?: { from: string; to: string };
  /** The app's own metadata of the connection, as it is when the event is delivered. */
  metadata?: Record<string, unknown> | null;
}

/** One per finished action: what it wrote (its output) or why it did not. */
export interface ActionWebhookEvent {
  id: string;
  type: 'action';
  connectionId: string;
  integration: string;
  action: string;
  actionId: string;
  status: 'succeeded' | 'failed';
  output: unknown;
  error: { code: string; message: string } | null;
  at: string;
}

export type WebhookEvent = SyncWebhookEvent | AuthWebhookEvent | ActionWebhookEvent;
