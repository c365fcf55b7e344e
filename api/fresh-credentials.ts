// Gets credentials newer than ones a provider refused, by asking the connection's workflow and waiting for the store to
// show them: the proxy and dry runs share it, so the workflow stays the one writer of credentials.
import { AppError } from '../errors/app-error';
import { waitForNewCredentials } from '../store/credential-generation-wait';
import type { Store } from '../store/store';
import type { ConnectionWorkflows } from './connection-workflows';

export interface FreshCredentialSettings {
  /** How long a caller that met a 401 waits for the connection workflow to store new credentials. */
  refreshWaitMs: number;
  /** A 401 seen outside a sync forces a refresh of a connection at most this often (and never twice for one generation). */
  forcedRefreshMinIntervalMs: number;
}

/**
 * What `claim` answers: `granted`, this caller asks the workflow; `pending`, another caller of the same burst did and
 * this one waits for that refresh; `newer`, newer credentials are stored already; `refused`, they were refreshed
 * moments ago and refused again, so another refresh would not help.
 */
export type RefreshClaim = 'granted' | 'newer' | 'pending' | 'refused';

export class FreshCredentials {
  constructor(
    private readonly store: Store,
    private readonly workflows: Pick<ConnectionWorkflows, 'credentialsExpired'>,
    private readonly settings: FreshCredentialSettings,
  ) {}

  /**
   * A caller cannot make the workflow hammer the token endpoint: only one caller per generation, and one per interval
   * per connection, may ask for a refresh; the others wait for that one.
   */
  claim(connectionId: string, refusedGeneration: number): Promise<RefreshClaim> {
    return this.store.connections.claimForcedRefresh(connectionId, refusedGeneration, {
      minIntervalMs: this.settings.forcedRefreshMinIntervalMs,
      pendingForMs: this.settings.refreshWaitMs,
    });
  }

  /** After a claim that was not refused: asks the workflow if the claim was this caller's, then waits for newer credentials. */
  async awaitRefresh(connectionId: string, refusedGeneration: number, claim: Exclude<RefreshClaim, 'refused'>): Promise<void> {
    if (claim === 'newer') return;
    if (claim === 'granted' && !(await this.workflows.credentialsExpired(connectionId, refusedGeneration))) {
      throw new AppError('conflict', `connection "${connectionId}" has no running workflow to refresh its credentials`);
    }
    const waited = await waitForNewCredentials(this.store.connections, connectionId, refusedGeneration, { timeoutMs: this.settings.refreshWaitMs });
    if (waited.outcome === 'auth_error') {
      throw new AppError('conflict', `connection "${connectionId}" is in auth_error${waited.reason ? `: ${waited.reason}` : ''}; the customer must reconnect`);
    }
    if (waited.outcome === 'timed_out') {
      throw new AppError('unavailable', `the credentials of connection "${connectionId}" were not refreshed within ${this.settings.refreshWaitMs} ms; retrying is safe`);
    }
  }
}
