// Reading the changes feed: one page of a provider model, or of a unified model mapped from the same stored records.
import { cursorSeq, encodeCursor, readCursor } from '../../contracts/change-cursor';
import { AppError } from '../../errors/app-error';
import type { ProviderCatalog } from '../../providers/catalog';
import type { RecordAction } from '../../store/records';
import type { Store } from '../../store/store';
import { isUnifiedModel } from '../../unified-model/unified-crm';
import { mapRecord, type MappingContext, type UnifiedModelMapping } from '../../unified-model/unified-mapping';
import { conflictAt, notFoundAt } from '../validation';

export interface RecordsQuery {
  connectionId: string;
  model: string;
  cursor?: string;
  limit: number;
  filter?: string;
  modifiedAfter?: string;
}

export interface ChangedRecordView {
  id: string;
  action: RecordAction;
  data: Record<string, unknown>;
  firstSeenAt: Date;
  lastModifiedAt: Date;
  deletedAt: Date | null;
  cursor: string;
}

export interface RecordsPageView {
  records: ChangedRecordView[];
  nextCursor: string;
  hasMore: boolean;
}

export interface RecordHistoryView {
  record: { id: string; action: RecordAction; data: Record<string, unknown>; deletedAt: Date | null; updatedAt: Date } | null;
  history: { action: RecordAction; at: Date; runId: string | null }[];
}

export class RecordsUseCases {
  constructor(
    private readonly store: Store,
    private readonly catalog: ProviderCatalog,
  ) {}

  /**
   * A unified model is a view of its provider model's feed: the same records, the same sequence numbers and cursors
   * (a cursor from a `contacts` webhook resumes `crm.contacts` too), only `data` is mapped, here at read time, so there
   * is no second copy to keep in step. A model the connection does not have is a 404; a cursor of another feed (another
   * model, connection, or an earlier life of this connection id) a 409: both are well formed, and refused because of
   * what this connection is now.
   */
  async readPage(query: RecordsQuery): Promise<RecordsPageView> {
    const connection = await this.store.connections.get(query.connectionId);
    const mapping = isUnifiedModel(query.model) ? this.catalog.unifiedModel(connection.provider, query.model) : undefined;
    if (isUnifiedModel(query.model) && !mapping) {
      throw notFoundAt('query.model', `${connection.provider} connections have no unified model "${query.model}"`);
    }
    const feedModel = mapping?.from ?? query.model;
    if (!Object.hasOwn(connection.syncs, feedModel)) {
      const why = mapping ? `, which ${query.model} is read from` : '';
      throw notFoundAt('query.model', `connection "${query.connectionId}" does not sync "${feedModel}"${why}`);
    }
    const feed = { connectionId: query.connectionId, model: feedModel, incarnation: connection.incarnation };
    const reading = query.cursor === undefined ? { seq: 0 } : readCursor(query.cursor, feed);
    if ('problem' in reading) {
      // A cursor this API could have issued, refused only because it is another feed's.
      const wellFormed = cursorSeq(query.cursor as string) !== null;
      throw wellFormed ? conflictAt('query.cursor', reading.problem) : AppError.invalid('query.cursor', reading.problem);
    }

    const { records, readThrough, visibleSeq } = await this.store.records.readChanges({
      ...feed,
      afterSeq: reading.seq,
      limit: query.limit,
      actions: query.filter ? (query.filter.split(',') as RecordAction[]) : undefined,
      modifiedAfter: query.modifiedAfter ? new Date(query.modifiedAfter) : undefined,
    });
    const context = mapping && records.length > 0 ? await this.mappingContext(query.connectionId, connection.provider, connection.providerAccountId ?? null, mapping, connection.connectInputs ?? {}) : null;
    return {
      records: records.map((r) => ({
        id: r.externalId,
        action: r.lastAction,
        data: mapping && context ? mapRecord(mapping, r.externalId, r.data, context) : r.data,
        firstSeenAt: r.firstSeenAt,
        lastModifiedAt: r.lastModifiedAt,
        deletedAt: r.deletedAt,
        cursor: encodeCursor(r.changeSeq, feed),
      })),
      // Resume after everything this page accounted for, which may be past its last record (filtered or empty stretches).
      nextCursor: encodeCursor(readThrough, feed),
      hasMore: readThrough < visibleSeq,
    };
  }

  /**
   * One record as stored and its history, newest first: each page that added, updated or deleted it (from the event
   * log, as far back as it is kept), and its last change from the record itself, which outlives the log.
   */
  async history(query: { connectionId: string; model: string; id: string }): Promise<RecordHistoryView> {
    const connection = await this.store.connections.get(query.connectionId);
    if (!Object.hasOwn(connection.syncs, query.model)) {
      throw new AppError('not_found', `connection "${query.connectionId}" does not sync "${query.model}"`, {
        fields: [{ field: 'query.model', message: `connection "${query.connectionId}" does not sync "${query.model}"` }],
      });
    }
    const feed = { connectionId: query.connectionId, model: query.model, incarnation: connection.incarnation };
    const [record, changes] = await Promise.all([this.store.records.find(feed, query.id), this.store.events.changesOfRecord(connection, query.model, query.id)]);
    const history = [...changes];
    if (record && !history.some((change) => change.runId === record.lastChangeRunId && change.action === record.lastAction)) {
      history.push({ action: record.lastAction, at: record.lastModifiedAt, runId: record.lastChangeRunId });
      history.sort((a, b) => b.at.getTime() - a.at.getTime());
    }
    return {
      record: record && { id: record.externalId, action: record.lastAction, data: record.data, deletedAt: record.deletedAt, updatedAt: record.lastModifiedAt },
      history,
    };
  }

  /** What record links need from the connection; the sealed credentials are opened only for a link that needs the host. */
  private async mappingContext(
    connectionId: string,
    provider: string,
    accountId: string | null,
    mapping: UnifiedModelMapping,
    connectInputs: Record<string, string>,
  ): Promise<MappingContext> {
    const needsHost = Object.values(mapping.fields).some((rule) => rule !== null && 'link' in rule && rule.link.includes('{instanceUrl}'));
    const instanceUrl = needsHost ? (await this.store.connections.readCredentials(connectionId)).credentials.instanceUrl : null;
    return { provider, instanceUrl, accountId, connectInputs };
  }
}
