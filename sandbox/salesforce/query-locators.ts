// Open query cursors: a query's snapshot, the session that opened it, and when it stops being fetchable.
import { invalidLocator, invalidSession } from './errors';
import type { FieldDefinition, SalesforceObject, SalesforceRecord } from './fields';
import { IdSequence, KEY_PREFIX } from './ids';

export interface QueryCursor {
  id: string;
  object: SalesforceObject;
  fields: readonly FieldDefinition[];
  rows: readonly SalesforceRecord[];
  batchSize: number;
  sessionId: string;
  grantId: string;
  expiresAt: number;
}

/** Salesforce keeps at most this many cursors open per user and silently drops the oldest. */
const OPEN_CURSORS_PER_USER = 10;

export class QueryLocators {
  private readonly cursors = new Map<string, QueryCursor>();
  private readonly ids: IdSequence;

  constructor(pod: string) {
    this.ids = new IdSequence(KEY_PREFIX.QueryLocator, pod, 62 ** 5);
  }

  open(cursor: Omit<QueryCursor, 'id'>): QueryCursor {
    this.sweep();
    const opened: QueryCursor = { ...cursor, id: this.ids.take() };
    const mine = [...this.cursors.values()].filter((other) => other.grantId === cursor.grantId);
    if (mine.length >= OPEN_CURSORS_PER_USER) this.cursors.delete(mine[0].id);
    this.cursors.set(opened.id, opened);
    return opened;
  }

  /** The cursor behind a locator, if it still exists and the session that opened it is still alive. */
  fetch(locatorId: string, isSessionLive: (sessionId: string) => boolean): QueryCursor {
    const cursor = this.cursors.get(locatorId);
    if (!cursor || Date.now() >= cursor.expiresAt) {
      this.cursors.delete(locatorId);
      throw invalidLocator();
    }
    if (!isSessionLive(cursor.sessionId)) throw invalidSession();
    return cursor;
  }

  release(locatorId: string): void {
    this.cursors.delete(locatorId);
  }

  expireAll(): void {
    this.cursors.clear();
  }

  private sweep(): void {
    const now = Date.now();
    for (const [id, cursor] of this.cursors) if (now >= cursor.expiresAt) this.cursors.delete(id);
  }
}
