// The recording file: a sync run's provider requests and answers, scrubbed, versioned, checked when read.
import { readFile } from 'node:fs/promises';
import { z } from 'zod';

/** What the first line of every recording says it is, so a stray JSON file is refused by name. */
export const RECORDING_FORMAT = 'tributary.sync-recording';
/** Bumped when a field changes meaning or a reader would misread a recording written by older code. */
export const RECORDING_VERSION = 1;
/**
 * Stands for the connection's hosts (Salesforce's instance URL, any absolute next-page URL's origin): `.invalid` is
 * reserved (RFC 2606) and never resolves, so a recording cannot send anything anywhere even by mistake.
 */
export const PLACEHOLDER_ORIGIN = 'https://provider.invalid';
/** What a secret in a URL or a header becomes. */
export const SCRUBBED = 'SCRUBBED';

const json: z.ZodType<unknown> = z.unknown();
const checkpointValue = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const recordedRequest = z.strictObject({
  method: z.enum(['GET', 'POST', 'PUT', 'PATCH']),
  /** Path and query at the provider's origin, exactly as sent (percent-encoded), e.g. `/crm/v3/objects/contacts?limit=2`. */
  path: z.string().startsWith('/', 'must start with "/": a path at the provider, never a whole URL'),
  /** The JSON body sent; absent for none. */
  body: json.optional(),
});

const recordedResponse = z
  .strictObject({
    status: z.number().int().min(200).max(599),
    /** Only the headers a sync may read (Link, Retry-After, rate-limit and quota headers), names in lower case. */
    headers: z.record(z.string(), z.string()).default({}),
    /** The answer's JSON body; absent when it had none (a 204, a redirect). */
    body: json.optional(),
    /** An answer that was not JSON (an HTML error page), as text. */
    text: z.string().optional(),
  })
  .refine((response) => response.body === undefined || response.text === undefined, { message: 'has both body and text; keep one' });

export const recordingSchema = z.strictObject({
  format: z.literal(RECORDING_FORMAT),
  version: z.literal(RECORDING_VERSION),
  /** Free text: what was recorded and how to make it again. */
  description: z.string().optional(),
  provider: z.string().optional(),
  model: z.string().optional(),
  recordedAt: z.iso.datetime().optional(),
  /** The connection's API base URL with its origin replaced by PLACEHOLDER_ORIGIN; paths resolve against it. */
  apiBase: z.url(),
  /** The run the recording starts with: what runSyncOffline replays unless told otherwise. Absent in an action's recording. */
  run: z
    .strictObject({
    mode: z.enum(['full', 'incremental']),
    checkpoint: z.record(z.string(), checkpointValue).nullable(),
    pageSize: z.number().int().positive(),
    lookbackMs: z.number().int().nonnegative().default(0),
    /** The integration's and connection's extra fields for the model (or `*`), for a sync that declares `fields`. */
    extraFields: z.array(z.string()).optional(),
    /**
     * The recorded run stopped after this many pages though the sync had more (a dry run's `--limit`): a replay stops
     * there too, as the recorded run did, instead of asking for a page nobody recorded. Absent: it read to the end.
     */
    stopAfterPages: z.number().int().positive().optional(),
    })
    .optional(),
  /** In the order they happened; a recording may also hold the requests of runs resumed from its checkpoints. */
  exchanges: z.array(z.strictObject({ request: recordedRequest, response: recordedResponse })),
});

export type Recording = z.infer<typeof recordingSchema>;
export type RecordedExchange = Recording['exchanges'][number];
export type RecordedRun = NonNullable<Recording['run']>;

/** A recording that is not one, or not one this version reads. */
export class RecordingFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RecordingFormatError';
  }
}

/** Checks a parsed recording, naming every problem with its place (`exchanges.3.response.status: …`). */
export function parseRecording(value: unknown, source = 'the recording'): Recording {
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number' && version !== RECORDING_VERSION) {
    throw new RecordingFormatError(`${source} is recording format version ${version}; this code reads version ${RECORDING_VERSION}`);
  }
  const parsed = recordingSchema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((issue) => `${issue.path.join('.') || '(recording)'}: ${issue.message}`);
  throw new RecordingFormatError(`${source} is not a valid recording: ${problems.join('; ')}`);
}

/** Reads and checks a recording file. */
export async function readRecording(file: string): Promise<Recording> {
  const text = await readFile(file, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new RecordingFormatError(`${file} is not JSON: ${(error as Error).message}`);
  }
  return parseRecording(value, file);
}
