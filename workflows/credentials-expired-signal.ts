// The signal that asks a connection's workflow to refresh its credentials; callers outside syncs (proxy, actions) send it.
import { defineSignal } from '@temporalio/workflow';

/**
 * Sent by whoever met a 401 with credentials of `generation`; the workflow refreshes unless it already holds a newer
 * generation, so many callers never cause many refreshes.
 *
 * Declared here until the connection workflow declares and handles the same signal (same name string): a signal with
 * no handler is buffered by Temporal, and the caller's wait for a new generation is bounded, so nothing hangs forever.
 */
export const credentialsExpiredSignal = defineSignal<[{ generation: number }]>('credentialsExpired');
