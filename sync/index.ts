// The public API for writing a sync or an action. A sync file imports from here only; the rest of sync/ is what these
// need to behave offline exactly as on a live run, and the engine (sync-engine/, activities/) imports it too.
export { defineAction, type ActionConnection, type ActionContext, type ActionDefinition } from './define-action';
export { defineSync, type SyncContext, type SyncDefinition, type SyncMode, type SyncPage } from './sync-definition';
export type { Checkpoint, CheckpointValue } from './checkpoint';
export { ALL_FIELDS, type AvailableField, type FieldKind, type FieldList } from './fields';
export type { HttpMethod, HttpResponse, ProviderHttpClient, RequestOptions } from './http-client';
export { FullResyncNeeded, ProviderError, type ProviderErrorKind } from './provider-error';
export { runSyncOffline, type OfflineRun, type OfflineRunOptions } from './run-sync-offline';
export { runActionOffline, type OfflineAction, type OfflineActionOptions } from './run-action-offline';
export type { ReadPage } from './read-sync';
export { RecordingMismatchError, type ServedRequest } from './replay-http-client';
export { readRecording, RecordingFormatError, type RecordedExchange, type Recording } from './recording';
export type { InvalidRecord, ValidRecord } from './validate-page';
export {
  nextLinkOf,
  paginateByCursor,
  paginateByLinkHeader,
  paginateByNextUrl,
  paginateByOffset,
  type CursorPagination,
  type FetchedPage,
  type LinkHeaderPagination,
  type NextUrlPagination,
  type OffsetPagination,
} from './pagination';
export {
  UNIFIED_MODELS,
  UNIFIED_SCHEMAS,
  crmCompany,
  crmContact,
  crmEmail,
  crmPhone,
  isUnifiedModel,
  type CrmCompany,
  type CrmContact,
  type CrmEmail,
  type CrmPhone,
  type UnifiedModelName,
} from '../unified-model/unified-crm';
export {
  mapRecord,
  type CrmCompanyMapping,
  type CrmContactMapping,
  type FieldRule,
  type ListRule,
  type LinkRule,
  type MappingContext,
  type ObjectRule,
  type UnifiedModelMapping,
  type ValueRule,
} from '../unified-model/unified-mapping';
