// Waits, by polling the store with backoff, until a connection's credentials move past a generation or it parks in auth_error.
import type { ConnectionRepository } from './connections';

export type CredentialWaitOutcome =
  | { outcome: 'refreshed'; generation: number }
  | { outcome: 'auth_error'; reason: string | null }
  | { outcome: 'timed_out' };

export interface CredentialWaitOptions {
  timeoutMs: number;
  /** First pause between reads; doubles up to `maxIntervalMs`. */
  initialIntervalMs?: number;
  maxIntervalMs?: number;
  signal?: AbortSignal;
}

/**
 * The refresh belongs to the connection workflow; everyone else only asks for it and then waits here for its result,
 * which shows in the store as a higher credential generation (or as the connection's auth_error status).
 */
export async function waitForNewCredentials(
  connections: Pick<ConnectionRepository, 'get'>,
  connectionId: string,
  seenGeneration: number,
  { timeoutMs, initialIntervalMs = 100, maxIntervalMs = 2000, signal }: CredentialWaitOptions,
): Promise<CredentialWaitOutcome> {
  const deadline = Date.now() + timeoutMs;
  let interval = initialIntervalMs;
  for (;;) {
    const connection = await connections.get(connectionId);
    if (connection.credentialState.generation > seenGeneration) {
      return { outcome: 'refreshed', generation: connection.credentialState.generation };
    }
    if (connection.status === 'auth_error') return { outcome: 'auth_error', reason: connection.statusReason };
    const left = deadline - Date.now();
    if (left <= 0 || signal?.aborted) return { outcome: 'timed_out' };
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
    interval = Math.min(interval * 2, maxIntervalMs);
  }
}
