// The sync kit's test helper: runs a sync definition against a recording, with no provider, Temporal or database, and
// returns what a run would have stored, page by page, with a way to resume from any checkpoint it handed out.
import type { Checkpoint } from './checkpoint';
import type { ProviderErrorRules } from './error-rules';
import { readSync, type ReadPage } from './read-sync';
import { RecordingFormatError, parseRecording, readRecording, type Recording } from './recording';
import { ReplayHttpClient, type ServedRequest } from './replay-http-client';
import type { SyncDefinition, SyncMode } from './sync-definition';
import type { InvalidRecord, ValidRecord } from './validate-page';

/** Each defaults to what the recording says its run was. */
export interface OfflineRunOptions {
  mode?: SyncMode;
  checkpoint?: Checkpoint | null;
  pageSize?: number;
  lookbackMs?: number;
  /** The fields to read (`SyncContext.fields`), skipping discovery; otherwise discovered from the recording as a run would. */
  fields?: readonly string[];
  /** The integration's and connection's extra fields (or `*`) for discovery. */
  extraFields?: readonly string[];
  /** How error answers in the recording are read: the provider's `api.errorRules` (default: by HTTP status alone). */
  errorRules?: ProviderErrorRules;
}

export interface OfflineRun {
  /** Every page the sync yielded, each as the store would receive it. */
  pages: ReadPage[];
  /** The valid records of all pages in order, as upserted by id (a later one with the same id replaces an earlier). */
  records: ValidRecord[];
  /** Records the schema refused, with their id (when readable) and problems, as the run reports them. */
  invalid: InvalidRecord[];
  deletedIds: string[];
  /** One per page: where a run that stopped after that page resumes. */
  checkpoints: (Checkpoint | null)[];
  /** The fields the run read, for a sync that declares them. */
  fields: string[] | null;
  /** Each request the sync made and the recorded exchange that answered it. */
  requests: ServedRequest[];
  /**
   * Runs again from `checkpoints[page]` as the engine resumes a run after that page was stored (same mode, no
   * lookback): it should yield exactly `pages.slice(page + 1)`.
   */
  resumeFrom(page: number): Promise<OfflineRun>;
}

/**
 * `recording` is a recording (e.g. a JSON file imported by the test) or the path of one. Each request gets the first
 * recorded answer not yet served with the same method, path, query and JSON body; one it has no answer for throws a
 * RecordingMismatchError naming the nearest recorded requests. A recorded error answer throws the ProviderError the
 * engine would act on.
 */
export async function runSyncOffline(sync: SyncDefinition, recording: unknown, options: OfflineRunOptions = {}): Promise<OfflineRun> {
  const parsed: Recording = typeof recording === 'string' ? await readRecording(recording) : parseRecording(recording);
  return runFrom(sync, parsed, options);
}

/** `stopAfterPages`: a resume of a run that stopped early (see RecordedRun.stopAfterPages) stops where that run did. */
async function runFrom(sync: SyncDefinition, recording: Recording, options: OfflineRunOptions, stopAfterPages?: number): Promise<OfflineRun> {
  const recorded = recording.run;
  if (!recorded) throw new RecordingFormatError('the recording has no "run" (an action\'s recording?): a sync replays from the run it describes');
  const http = new ReplayHttpClient(recording, options.errorRules);
  const run = {
    mode: options.mode ?? recorded.mode,
    checkpoint: options.checkpoint === undefined ? recorded.checkpoint : options.checkpoint,
    pageSize: options.pageSize ?? recorded.pageSize,
    lookbackMs: options.lookbackMs ?? recorded.lookbackMs,
    fields: options.fields,
    extraFields: options.extraFields ?? recorded.extraFields,
  };
  const stopAfter = stopAfterPages ?? recorded.stopAfterPages;
  const read = await readSync(sync, http, run);
  const pages: ReadPage[] = [];
  for await (const page of read.pages) {
    pages.push(page);
    // Leaving the loop ends the sync's generator: nothing more is asked of the recording.
    if (pages.length === stopAfter) break;
  }
  const checkpoints = pages.map((page) => page.checkpoint);
  const result: OfflineRun = {
    pages,
    records: pages.flatMap((page) => page.records),
    invalid: pages.flatMap((page) => page.invalid),
    deletedIds: pages.flatMap((page) => page.deletedIds),
    checkpoints,
    fields: read.fields?.selected ?? null,
    requests: http.served,
    resumeFrom(page: number) {
      if (!Number.isInteger(page) || page < 0 || page >= checkpoints.length) {
        return Promise.reject(new RangeError(`resumeFrom(${page}): the run handed out checkpoints 0 to ${checkpoints.length - 1}`));
      }
      const left = stopAfter === undefined ? undefined : stopAfter - page - 1;
      // The recorded run stopped after this page: so does its resume, before asking anything.
      if (left === 0) return Promise.resolve({ ...result, pages: [], records: [], invalid: [], deletedIds: [], checkpoints: [], requests: [] });
      return runFrom(sync, recording, { ...options, mode: run.mode, pageSize: run.pageSize, checkpoint: checkpoints[page], lookbackMs: 0 }, left);
    },
  };
  return result;
}
