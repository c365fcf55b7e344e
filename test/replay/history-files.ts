// The replay corpus on disk: one JSON file per captured workflow state, grouped by the release that wrote it.
import { historyFromJSON, type History } from '@temporalio/common/lib/proto-utils';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';

export const HISTORIES_DIR = join(__dirname, 'histories');

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

/**
 * Where any of `secrets` appears in a history file, in clear or inside a payload (payload data is base64 JSON).
 * Returns the JSON paths of the strings that hold one; empty when the file is clean.
 */
export function findSecrets(json: unknown, secrets: string[], path = '$'): string[] {
  const wanted = secrets.filter((secret) => secret.length >= 8);
  if (typeof json === 'string') {
    const decoded = Buffer.from(json, 'base64').toString('utf8');
    return wanted.some((secret) => json.includes(secret) || decoded.includes(secret)) ? [path] : [];
  }
  if (Array.isArray(json)) return json.flatMap((item, i) => findSecrets(item, wanted, `${path}[${i}]`));
  if (json && typeof json === 'object') {
    return Object.entries(json).flatMap(([key, value]) => findSecrets(value, wanted, `${path}.${key}`));
  }
  return [];
}
