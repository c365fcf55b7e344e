// Activities that refresh a connection's credentials and record its status; only the connection workflow calls them.
import { ApplicationFailure } from '@temporalio/common';
import type { ConnectionStatusInput, CredentialsState, RefreshCredentialsInput } from '../contracts/activity-messages';
import { FailureType } from '../contracts/failure-types';
import { refreshAccessToken, TokenError } from '../oauth/token-client';
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
      const client = await store.integrations.getClientCredentials(connection.integration);
      const log = logger.child({ connectionId, integration: connection.integration, provider: connection.provider });
      try {
        const tokens = await refreshAccessToken(provider.oauth, client, credentials.refreshToken);
        const newGeneration = await store.connections.storeRefreshedCredentials(
          connectionId,
          generation,
          {
            accessToken: tokens.accessToken,
            // Providers that do not rotate send no refresh token on refresh: the stored one stays valid.
            refreshToken: tokens.refreshToken ?? credentials.refreshToken,
            instanceUrl: tokens.instanceUrl ?? credentials.instanceUrl,
          },
          tokens.expiresAt,
        );
        metrics.tokenRefreshed(connection.provider, 'succeeded');
        log.info({ generation: newGeneration, expiresAt: tokens.expiresAt }, 'credentials refreshed');
        return { generation: newGeneration, ...state(tokens.expiresAt) };
      } catch (error) {
        if (!(error instanceof TokenError)) throw error;
        metrics.tokenRefreshed(connection.provider, error.kind);
        await store.connections.recordCredentialError(connectionId, error.message);
        log.warn({ kind: error.kind, err: error.message }, 'credential refresh failed');
        if (error.kind === 'transient') throw ApplicationFailure.create({ type: FailureType.providerUnavailable, message: error.message });
        throw ApplicationFailure.create({ type: FailureType.invalidGrant, message: error.message, nonRetryable: true });
      }
    },

    async setConnectionStatus({ connectionId, status, reason, until }: ConnectionStatusInput): Promise<void> {
      await store.connections.setStatus(connectionId, status, reason, until === null ? null : new Date(until));
    },
  };
}
