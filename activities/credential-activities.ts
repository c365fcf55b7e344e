// Activities that refresh a connection's credentials and record its status; only the connection workflow calls them.
import { ApplicationFailure } from '@temporalio/common';
import type { ConnectionStatusInput, CredentialsState, RefreshCredentialsInput } from '../contracts/activity-messages';
import { FailureType } from '../contracts/failure-types';
import { introspectExpiry, refreshAccessToken, TokenError, type TokenSet } from '../oauth/token-client';
import { AppError } from '../errors/app-error';
import type { ActivityDependencies } from './dependencies';

export function createCredentialActivities({ store, catalog, logger, metrics }: ActivityDependencies) {
  return {
    async refreshCredentials({ connectionId, basedOnGeneration }: RefreshCredentialsInput): Promise<CredentialsState> {
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
      const client = { ...(await store.integrations.getClientCredentials(connection.integration)), urlRules: catalog.urlRules(provider.key) };
      const log = logger.child({ connectionId, integration: connection.integration, provider: connection.provider });
      const earlierAnswerMayBeLost = Boolean(connection.credentialState.refreshStartedAt);
      await store.connections.markRefreshStarted(connectionId, generation);
      let tokens: TokenSet;
      try {
        tokens = await refreshAccessToken(provider.oauth, client, credentials.refreshToken);
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
        if (error.kind === 'transient') throw ApplicationFailure.create({ type: FailureType.providerUnavailable, message });
        throw ApplicationFailure.create({ type: FailureType.invalidGrant, message, nonRetryable: true });
      }

      // From here the provider may hold only the new refresh token: store the answer before anything else can fail.
      const newGeneration = await storeWithoutLosing(() =>
        store.connections.storeRefreshedCredentials(
          connectionId,
          generation,
          {
            accessToken: tokens.accessToken,
            // Providers that do not rotate send no refresh token on refresh: the stored one stays valid.
            refreshToken: tokens.refreshToken ?? credentials.refreshToken,
            instanceUrl: tokens.instanceUrl ?? credentials.instanceUrl,
          },
          tokens.expiresAt,
        ),
      );
      let expiresAt = tokens.expiresAt;
      if (expiresAt === null) {
        expiresAt = await introspectExpiry(provider.oauth, client, tokens.accessToken);
        await store.connections.setCredentialExpiry(connectionId, newGeneration, expiresAt);
      }
      metrics.tokenRefreshed(connection.provider, 'succeeded');
      log.info({ generation: newGeneration, expiresAt, rotated: tokens.refreshToken !== null }, 'credentials refreshed');
      return { generation: newGeneration, ...state(expiresAt) };
    },

    async setConnectionStatus({ connectionId, status, reason, until }: ConnectionStatusInput): Promise<void> {
      await store.connections.setStatus(connectionId, status, reason, until === null ? null : new Date(until));
    },
  };
}

/** How long a refreshed answer is kept in memory while the database refuses it, within the activity's minute. */
const STORE_RETRY_FOR_MS = 40_000;

/**
 * The answer to a refresh exists only in this process until it is stored. A database that is briefly unreachable
 * must not lose it (with rotation, the old refresh token is already dead): retry the write with backoff. A conflict
 * (someone else stored newer credentials) is final.
 */
async function storeWithoutLosing<T>(write: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + STORE_RETRY_FOR_MS;
  for (let delayMs = 250; ; delayMs = Math.min(delayMs * 2, 5_000)) {
    try {
      return await write();
    } catch (error) {
      if (error instanceof AppError || Date.now() + delayMs > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, delayMs));
    }
  }
}
