// Activities that refresh a connection's credentials and record its status; only the connection workflow calls them.
import { Context } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import type { ConnectionStatusInput, CredentialsState, RefreshCredentialsInput } from '../contracts/activity-messages';
import { FailureType } from '../contracts/failure-types';
import { identifyAccount } from '../oauth/account-identity';
import { introspectExpiry, refreshAccessToken, TokenError } from '../oauth/token-client';
import { connectionTokenUrl } from '../oauth/token-host';
import { AppError } from '../errors/app-error';
import { connectionOAuthTargets } from '../providers/connect-inputs';
import { connectionApiBaseUrl } from '../security/connection-api-base-url';
import type { ActivityDependencies } from './dependencies';
import { heartbeatWhile } from './heartbeat';
import { logEvent, type EventLevel } from '../store/event-log';
import type { Connection } from '../store/connections';

export function createCredentialActivities({ store, catalog, logger, metrics }: ActivityDependencies) {
  /**
   * A refresh, for the connection's log and for the timeline of each run in flight (a refused token mid-run is
   * refreshed between two of its slices). Never a token. Best effort: the log must not fail a refresh.
   */
  async function logRefresh(connection: Connection, level: EventLevel, message: string, data: Record<string, unknown>): Promise<void> {
    const base = {
      source: 'connection' as const,
      kind: 'refresh',
      level,
      message,
      data,
      connectionId: connection.connectionId,
      ...(connection.incarnation ? { incarnation: connection.incarnation } : {}),
      integration: connection.integration,
    };
    const inFlight = Object.entries(connection.syncs).filter(([, schedule]) => schedule.runningSince && schedule.lastRunId);
    const events = [logEvent(base), ...inFlight.map(([model, schedule]) => logEvent({ ...base, source: 'run', model, runId: schedule.lastRunId }))];
    await store.events.insert(events).catch((error: unknown) => logger.warn({ err: (error as Error).message, connectionId: connection.connectionId }, 'refresh event not stored'));
  }

  return {
    /**
     * One attempt never overlaps the next: it heartbeats (so a dead worker is noticed and a cancellation reaches it),
     * aborts its token request when cancelled, and ends by itself before Temporal would time it out, so a retry never
     * starts while this attempt still waits for the provider or writes what it answered. Whatever it stores is fenced
     * by the credential generation it read.
     */
    async refreshCredentials(input: RefreshCredentialsInput): Promise<CredentialsState> {
      const context = Context.current();
      return heartbeatWhile(context, refreshWithin(input, attemptDeadline(context.info), context.cancellationSignal));
    },

    async setConnectionStatus({ connectionId, status, reason, until }: ConnectionStatusInput): Promise<void> {
      await store.connections.setStatus(connectionId, status, reason, until === null ? null : new Date(until));
    },
  };

  async function refreshWithin(
    { connectionId, basedOnGeneration }: RefreshCredentialsInput,
    deadline: number,
    cancelled: AbortSignal,
  ): Promise<CredentialsState> {
    const connection = await store.connections.get(connectionId);
    const { generation, credentials } = await store.connections.readCredentials(connectionId);
    const provider = catalog.get(connection.provider);
    const state = (expiresAt: Date | null) => {
      if (!expiresAt) return { expiresAt: null, refreshAt: null };
      // Refresh a margin before expiry, but never spend more than a quarter of a short session on the margin.
      const remainingMs = Math.max(0, expiresAt.getTime() - Date.now());
      const marginMs = Math.min(provider.oauth.refreshMarginSeconds * 1000, remainingMs / 4);
      return { expiresAt: expiresAt.getTime(), refreshAt: expiresAt.getTime() - marginMs };
    };
    if (generation > basedOnGeneration) {
      // Already refreshed, e.g. by an earlier attempt of this activity that stored the tokens and then died.
      return { generation, ...state(connection.credentialState.expiresAt) };
    }
    const app = await store.integrations.getClientCredentials(connection.integration);
    // A provider that asks connect inputs (an environment URL) refreshes at its token URL and for its scope, filled in.
    const targets = connectionOAuthTargets(provider, await store.integrations.get(connection.integration), connection.connectInputs ?? {});
    // A refresh token lives at the token host that issued it: the one the sign-in's callback named, if it named one.
    const client = {
      ...app,
      tokenUrl: connectionTokenUrl(targets.tokenUrl, credentials.tokenHost),
      refreshScope: targets.scopes.join(' '),
      urlRules: catalog.urlRules(provider.key),
    };
    const log = logger.child({ connectionId, integration: connection.integration, provider: connection.provider });
    const earlierAnswerMayBeLost = Boolean(connection.credentialState.refreshStartedAt);
    await store.connections.markRefreshStarted(connectionId, generation);
    let tokens: Awaited<ReturnType<typeof refreshAccessToken>>;
    try {
      // Half of what is left at most: the other half is for storing the answer, which must not be cut short.
      tokens = await refreshAccessToken(provider, client, credentials.refreshToken, {
        timeoutMs: (deadline - Date.now()) / 2,
        signal: cancelled,
      });
    } catch (error) {
      if (!(error instanceof TokenError)) throw error;
      metrics.tokenRefreshed(connection.provider, error.kind);
      if (error.answered) await store.connections.clearRefreshStarted(connectionId, generation);
      // Said plainly, because only the customer can fix it: a rotated refresh token was spent by a request whose
      // answer never reached the database (the worker died, or the answer was lost on the way).
      const message =
        error.kind === 'invalid_grant' && earlierAnswerMayBeLost
          ? `${error.message} (an earlier refresh may have rotated the refresh token without its answer being stored; the customer must reconnect)`
          : error.message;
      await store.connections.recordCredentialError(connectionId, message);
      log.warn({ kind: error.kind, err: message }, 'credential refresh failed');
      await logRefresh(connection, error.kind === 'transient' ? 'warn' : 'error', `credentials could not be refreshed (${error.kind}): ${message}`, {
        outcome: 'failed',
        code: error.kind,
      });
      if (error.kind === 'transient') throw ApplicationFailure.create({ type: FailureType.providerUnavailable, message });
      throw ApplicationFailure.create({ type: FailureType.invalidGrant, message, nonRetryable: true });
    }

    // From here the provider may hold only the new refresh token: store the answer before anything else can fail.
    const newGeneration = await storeWithoutLosing(deadline, () =>
      store.connections.storeRefreshedCredentials(
        connectionId,
        generation,
        {
          accessToken: tokens.accessToken,
          // Providers that do not rotate send no refresh token on refresh: the stored one stays valid.
          refreshToken: tokens.refreshToken ?? credentials.refreshToken,
          instanceUrl: tokens.instanceUrl ?? credentials.instanceUrl,
          ...(credentials.tokenHost ? { tokenHost: credentials.tokenHost } : {}),
        },
        tokens.expiresAt,
      ),
    );
    let expiresAt = tokens.expiresAt;
    if (expiresAt === null) {
      expiresAt = await introspectExpiry(provider, client, tokens.accessToken, { timeoutMs: deadline - Date.now(), signal: cancelled });
      await store.connections.setCredentialExpiry(connectionId, newGeneration, expiresAt);
    }
    metrics.tokenRefreshed(connection.provider, 'succeeded');
    log.info({ generation: newGeneration, expiresAt, rotated: tokens.refreshToken !== null }, 'credentials refreshed');
    await logRefresh(connection, 'info', `credentials refreshed${tokens.refreshToken !== null ? ' (the provider rotated the refresh token)' : ''}${expiresAt ? `; valid until ${expiresAt.toISOString()}` : ''}`, {
      outcome: 'refreshed',
      generation: newGeneration,
      expiresAt: expiresAt?.toISOString() ?? null,
      rotated: tokens.refreshToken !== null,
    });
    if (!connection.providerAccountId) {
      // A connection made by POST /connections with a refresh token alone: learn its account now, so provider
      // webhooks find it and a browser re-authorisation must sign into the same account. Best effort, within this
      // attempt's deadline; a connection that still does not know tries again at its next refresh.
      const integration = tokens.accountIdInAnswer === null ? await store.integrations.find(connection.integration) : null;
      const target = {
        accessToken: tokens.accessToken,
        apiBaseUrl: connectionApiBaseUrl({ instanceUrl: tokens.instanceUrl ?? credentials.instanceUrl }, integration, provider),
        tokenUrl: client.tokenUrl,
        urlRules: client.urlRules,
        maxResponseBytes: provider.oauth.maxResponseBytes,
        authorizationScheme: provider.api.authorizationScheme,
      };
      const accountId =
        tokens.accountIdInAnswer ??
        (await identifyAccount(provider.accountIdentity, target, {}, { timeoutMs: deadline - Date.now(), signal: cancelled }).catch(() => null));
      if (accountId !== null && (await store.connections.setProviderAccountId(connectionId, accountId, { generation: newGeneration }))) {
        log.info({ accountId }, 'provider account learned at refresh');
      }
    }
    return { generation: newGeneration, ...state(expiresAt) };
  }
}

/** How long a refreshed answer is kept in memory while the database refuses it, within the attempt's deadline. */
const STORE_RETRY_FOR_MS = 40_000;

/** How long before Temporal's own start-to-close timeout an attempt gives up, at most. */
const DEADLINE_MARGIN_MS = 2000;

/**
 * When this attempt must have ended: before its start-to-close timeout (counted by the server from a moment a little
 * earlier than this code starts, hence the margin) and before the retries' overall schedule-to-close timeout.
 */
export function attemptDeadline(
  info: { startToCloseTimeoutMs: number; scheduleToCloseTimeoutMs: number; scheduledTimestampMs: number },
  now = Date.now(),
): number {
  const margin = Math.min(DEADLINE_MARGIN_MS, info.startToCloseTimeoutMs / 10);
  const ends = [now + info.startToCloseTimeoutMs - margin];
  if (info.scheduleToCloseTimeoutMs > 0) ends.push(info.scheduledTimestampMs + info.scheduleToCloseTimeoutMs - margin);
  return Math.min(...ends);
}

/**
 * The answer to a refresh exists only in this process until it is stored. A database that is briefly unreachable
 * must not lose it (with rotation, the old refresh token is already dead): retry the write with backoff. A conflict
 * (someone else stored newer credentials) is final.
 */
async function storeWithoutLosing<T>(attemptEnds: number, write: () => Promise<T>): Promise<T> {
  const deadline = Math.min(Date.now() + STORE_RETRY_FOR_MS, attemptEnds);
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      return await write();
    } catch (error) {
      if (error instanceof AppError || Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
