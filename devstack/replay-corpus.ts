// The replay corpus: one JSON file per captured workflow state, grouped by the release that wrote it, read from disk and
// replayed against workflow code. The replay test and `npm run dev`'s reload check share it, so they refuse the same changes.
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const HISTORIES_DIR = join(__dirname, '..', 'test', 'replay', 'histories');

/**
 * What `temporal workflow show --output json` prints (`{"events": […]}`) plus the workflow id, which a history does
 * not contain and a replay needs (it defaults to "fake").
 */
export interface HistoryFile {
  workflowId: string;
  events: unknown[];
}

/** A history replays a workflow's commands only from its completed workflow tasks; without one the replayer waits forever. */
export function hasCompletedWorkflowTask(file: Pick<HistoryFile, 'events'>): boolean {
  return file.events.some((event) => (event as { eventType?: string }).eventType === 'EVENT_TYPE_WORKFLOW_TASK_COMPLETED');
}

export interface StoredHistory {
  /** `<release>/<state>.json`, relative to the corpus directory: what a failure names. */
  file: string;
  workflowId: string;
  history: History;
  /** False for a history captured before its first workflow task completed (see hasCompletedWorkflowTask). */
  replayable: boolean;
}

/** Every stored history of every release, oldest release directories included: running connections may still have them. */
export function readCorpus(dir = HISTORIES_DIR): StoredHistory[] {
  if (!existsSync(dir)) return [];
  const stored: StoredHistory[] = [];
  for (const release of readdirSync(dir, { withFileTypes: true }).filter((entry) => entry.isDirectory())) {
    for (const name of readdirSync(join(dir, release.name)).filter((file) => file.endsWith('.json')).sort()) {
      const path = join(dir, release.name, name);
      const parsed = JSON.parse(readFileSync(path, 'utf8')) as HistoryFile;
      stored.push({ file: relative(dir, path), workflowId: parsed.workflowId, history: loadHistory(parsed), replayable: hasCompletedWorkflowTask(parsed) });
    }
  }
  return stored;
}

/**
 * The SDK's `historyFromJSON`, or the same parse done with the protobufjs copy that defined the History type when the
 * SDK's fails with "type must be a Type": npm installs @temporalio/common and @temporalio/proto each with its own
 * copy of protobufjs 8 (the top-level slot holds another dependency's protobufjs 7), and the SDK helper checks the
 * type against its own copy. Files written by `temporal workflow show` need none of the SDK helper's enum fix-ups.
 */
function loadHistory(json: HistoryFile): History {
  try {
    return historyFromJSON(json);
  } catch (error) {
    if (!(error instanceof TypeError && /type must be a Type/.test(error.message))) throw error;
    /* eslint-disable @typescript-eslint/no-require-imports -- resolved at run time against @temporalio/proto's own copy */
    const protoDir = dirname(require.resolve('@temporalio/proto/package.json'));
    const { fromJson } = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as {
      fromJson(type: unknown, json: unknown, options: { ignoreUnknownFields: boolean }): History;
    };
    const { patchProtobufRoot } = require('@temporalio/proto/lib/patch-protobuf-root') as { patchProtobufRoot<T>(root: T): T & { lookupType(name: string): unknown } };
    const historyType = patchProtobufRoot(require('@temporalio/proto') as object).lookupType('temporal.api.history.v1.History');
    /* eslint-enable @typescript-eslint/no-require-imports */
    return fromJson(historyType, { events: json.events }, { ignoreUnknownFields: true });
  }
}

export interface ReplayFailure {
  /** `<release>/<state>.json`, relative to the corpus directory. */
  file: string;
  workflowId: string;
  /** The SDK's error, e.g. `DeterminismViolationError: [TMPRL1100] Nondeterminism error: …`. */
  message: string;
}

/**
 * Every history in one replay worker, which replays them one at a time in the order given and answers each before
 * taking the next: the n-th answer is the n-th history's, so a failure names its file even where several files hold
 * one workflow id at different times. `options` says which workflow code: a bundle, or the workflows' entry to bundle.
 */
export async function replayCorpus(options: ReplayWorkerOptions, corpus: StoredHistory[]): Promise<ReplayFailure[]> {
  const failures: ReplayFailure[] = corpus
    .filter((stored) => !stored.replayable)
    .map(({ file, workflowId }) => ({ file, workflowId, message: 'no completed workflow task, nothing to replay (captured too early)' }));
  const replayable = corpus.filter((stored) => stored.replayable);
  let index = 0;
  for await (const result of Worker.runReplayHistories(options, replayable.map(({ workflowId, history }) => ({ workflowId, history })))) {
    const stored = replayable[index++];
    if (result.error) failures.push({ file: stored.file, workflowId: stored.workflowId, message: errorText(result.error) });
  }
  return failures;
}

/** The SDK's own words for a nondeterminism error sit inside a debug dump of the failure; this is that sentence. */
export function shortReplayMessage(message: string): string {
  return /message: "(\[TMPRL\d+\][^"]*)"/.exec(message)?.[1] ?? message;
}

function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause = error.cause instanceof Error ? ` (cause: ${error.cause.message})` : '';
  return `${error.name}: ${error.message}${cause}`;
}
