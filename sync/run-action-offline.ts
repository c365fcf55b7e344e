// The sync kit's test helper for actions: runs an action against a recording of the provider's answers, as the engine
// runs it (input checked first, output checked after), with no provider, Temporal or database.
import type { ActionConnection, ActionDefinition } from './define-action';
import type { ProviderErrorRules } from './error-rules';
import { parseRecording, readRecording, type Recording } from './recording';
import { ReplayHttpClient, type ServedRequest } from './replay-http-client';

export interface OfflineActionOptions {
  /** How error answers in the recording are read: the provider's `api.errorRules` (default: by HTTP status alone). */
  errorRules?: ProviderErrorRules;
  /** The connection the action sees (`ActionContext.connection`). */
  connection?: ActionConnection;
  /** As after an attempt that may have written (see `ActionContext.earlierWriteStartedAt`); default null, a first write. */
  earlierWriteStartedAt?: Date | null;
}

export interface OfflineAction<Output> {
  /** What the action answered, checked against its `output` schema. */
  output: Output;
  /** Each request it made and the recorded exchange that answered it. */
  requests: ServedRequest[];
}

const OFFLINE_CONNECTION: ActionConnection = { connectionId: 'offline', integration: 'offline', provider: 'offline' };

/**
 * `recording` is a recording (an imported JSON file) or the path of one; it needs no `run`. A bad `input` throws the
 * schema's error as the API's 400 would name it; a request the recording has no answer for throws a
 * RecordingMismatchError; a recorded error answer throws the ProviderError the engine would act on.
 */
export async function runActionOffline<Input, Output>(
  action: ActionDefinition<Input, Output>,
  recording: unknown,
  input: unknown,
  options: OfflineActionOptions = {},
): Promise<OfflineAction<Output>> {
  const parsed: Recording = typeof recording === 'string' ? await readRecording(recording) : parseRecording(recording);
  const http = new ReplayHttpClient(parsed, options.errorRules);
  const answer = await action.run({
    input: action.input.parse(input),
    http,
    connection: options.connection ?? OFFLINE_CONNECTION,
    earlierWriteStartedAt: options.earlierWriteStartedAt ?? null,
  });
  return { output: action.output.parse(answer), requests: http.served };
}
