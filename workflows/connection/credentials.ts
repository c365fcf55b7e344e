// A connection's credentials: refreshed when due or refused, one refresh at a time; a failing token endpoint degrades, a refused grant parks.
import { CancellationScope, condition, isCancellation, log } from '@temporalio/workflow';
import { FailureType } from '../../contracts/failure-types';
import type { Announcements } from './announcements';
import type { ConnectionActivities } from './connection-activities';
import type { ConnectionState } from './connection-state';
import { isoTime } from './details';
import { failureOf, lastAttemptMessage } from './failures';
import type { Lifecycle } from './lifecycle';
import { refreshBackoffMs } from './schedule';

const DEFAULT_DEGRADED_NOTICE_AFTER_MS = 15 * 60_000;

/** Why a refresh failed, as the app and operators read it. */
export function refreshFailureMessage(error: unknown): string {
  const failure = failureOf(error);
  const lastAttempt = lastAttemptMessage(error);
  // After retrying for refreshRetryForMs the failure is a timeout; the reason worth showing is the last attempt's.
  return failure?.message ?? (lastAttempt ? `token endpoint kept failing; last attempt: ${lastAttempt}` : 'credential refresh failed');
}

/**
 * Which generation the main loop refreshes now, if any: a token past its refresh time first, else the newest one
 * someone outside the workflow was refused. A parked or paused connection refreshes nothing, nor does one already refreshing.
 */
export function refreshDue(
  state: Pick<ConnectionState, 'status' | 'paused' | 'credentials'>,
  refusedGeneration: number | null,
  refreshing: boolean,
  now: number,
): { generation: number; because: 'due' | 'refused' } | null {
  if (state.status === 'auth_error' || state.paused || refreshing) return null;
  const { refreshAt, generation } = state.credentials;
  if (refreshAt !== null && now >= refreshAt) return { generation, because: 'due' };
  if (refusedGeneration !== null) return { generation: refusedGeneration, because: 'refused' };
  return null;
}

/** Whether the app is told now that the connection is degraded: once, after it stayed so for `noticeAfterMs`. */
export function degradedNoticeDue(degraded: { since: number; announced: boolean }, now: number, noticeAfterMs: number | undefined): boolean {
  return !degraded.announced && now - degraded.since >= (noticeAfterMs ?? DEFAULT_DEGRADED_NOTICE_AFTER_MS);
}

export interface CredentialParts {
  state: ConnectionState;
  lifecycle: Lifecycle;
  activities: ConnectionActivities;
  announcements: Announcements;
  /** The `degraded-not-parked` patch. */
  degradedNotParked: boolean;
}

export class Credentials {
  #refreshInFlight: Promise<boolean> | null = null;
  #refreshScope: CancellationScope | null = null;
  /** The newest generation someone outside the workflow was refused; refreshed from the main loop. */
  #refused: number | null = null;

  constructor(private readonly parts: CredentialParts) {}

  get refreshing(): boolean {
    return this.#refreshInFlight !== null;
  }

  /** An action or the proxy was refused the token of `generation` (a signal: refreshed from the main loop). */
  tokenRefused(generation: number): void {
    this.#refused = Math.max(this.#refused ?? 0, generation);
  }

  /** A delete: the refresh in flight stops; nothing is recorded about it. */
  cancel(): void {
    this.#refreshScope?.cancel();
  }

  /** The main loop's turn: starts the refresh that is due, without waiting for it. */
  refreshIfDue(now: number): void {
    const due = refreshDue(this.parts.state, this.#refused, this.refreshing, now);
    if (due?.because === 'due') this.parts.state.credentials.refreshAt = null;
    if (due?.because === 'refused') this.#refused = null;
    if (due) this.launch(due.generation);
  }

  /**
   * The only way credentials are refreshed. Every caller that saw `seenGeneration` shares one refresh,
   * and a caller whose 401 came from an older token than the current one just retries: refreshes never overlap.
   */
  async ensureFresh(seenGeneration: number): Promise<boolean> {
    const { state } = this.parts;
    if (state.credentials.generation > seenGeneration) return true;
    if (state.status === 'auth_error') return false;
    if (!this.#refreshInFlight) {
      this.#refreshScope = new CancellationScope();
      this.#refreshInFlight = this.#refreshScope.run(() => this.refresh()).finally(() => {
        this.#refreshInFlight = null;
        this.#refreshScope = null;
      });
    }
    return this.#refreshInFlight;
  }

  private launch(seenGeneration: number): void {
    void this.ensureFresh(seenGeneration)
      .catch((error: unknown) => {
        if (!(this.parts.lifecycle.deleting && isCancellation(error))) throw error;
      })
      .finally(() => {
        this.parts.lifecycle.wake = true;
      });
  }

  /**
   * Only the customer can fix a refused grant (`invalid_grant`): that parks the connection in auth_error. Anything
   * else (the token endpoint down for an hour, a timeout) makes it `degraded` and is retried with backoff for ever;
   * the app hears of it after `degradedNoticeAfterMs`, and again when it recovers.
   */
  private async refresh(): Promise<boolean> {
    const { state, lifecycle, activities, announcements, degradedNotParked } = this.parts;
    const basedOn = state.credentials.generation;
    for (let failures = 0; ; failures++) {
      try {
        const refreshed = await activities.refreshing().refreshCredentials({
          connectionId: state.connectionId,
          basedOnGeneration: state.credentials.generation,
        });
        state.credentials = { generation: refreshed.generation, refreshAt: refreshed.refreshAt };
        if (degradedNotParked && state.degraded) await this.recoverFromDegraded();
        return true;
      } catch (error) {
        if (lifecycle.deleting && isCancellation(error)) return false;
        const message = refreshFailureMessage(error);
        if (degradedNotParked) {
          // A reconnect stored newer credentials while this refresh failed: those are the ones that count.
          if (state.credentials.generation > basedOn) return true;
          if (failureOf(error)?.type !== FailureType.invalidGrant) {
            await this.enterDegraded(message);
            await condition(() => lifecycle.stopping || state.credentials.generation > basedOn, refreshBackoffMs(failures, Math.random()));
            if (state.credentials.generation > basedOn) return true;
            if (lifecycle.stopping) return false;
            continue;
          }
        }
        state.degraded = null;
        await state.setStatus('auth_error', message);
        await announcements.send(announcements.auth('refresh', message));
        log.warn('connection parked in auth_error', { connectionId: state.connectionId });
        return false;
      }
    }
  }

  private async enterDegraded(reason: string): Promise<void> {
    const { state, announcements } = this.parts;
    const now = Date.now();
    state.degraded = { since: state.degraded?.since ?? now, reason, announced: state.degraded?.announced ?? false };
    if (state.status !== 'degraded' || state.statusReason !== reason) await state.setStatus('degraded', reason, { keepPaused: true });
    if (degradedNoticeDue(state.degraded, now, state.settings.degradedNoticeAfterMs)) {
      state.degraded.announced = true;
      await announcements.send(announcements.auth('refresh', `${reason} (degraded since ${isoTime(state.degraded.since)}; retrying)`));
    }
  }

  private async recoverFromDegraded(): Promise<void> {
    const { state, announcements } = this.parts;
    const announced = state.degraded?.announced ?? false;
    state.degraded = null;
    if (state.status === 'degraded') await state.setStatus('active', null);
    if (announced) await announcements.send(announcements.auth('refresh', null));
  }
}
