// Connection: everything about one customer account (credentials state, account, models, runs, webhook deliveries,
// write-backs) and, for admins, the buttons to act on it; each outcome is said in words.
import { useState } from 'preact/hooks';
import { getConnection, listRuns } from '../api/endpoints';
import type { ConnectionView, SyncRun } from '../api/types';
import { HealthBadge, StatusBadge } from '../components/badges';
import { formatCount, formatTime } from '../components/format';
import { Notice, useNotice } from '../components/notice';
import { PageHeading } from '../components/page-heading';
import { LoadError, Loading } from '../components/states';
import { Time } from '../components/time';
import { useApi } from '../components/use-api';
import { useSession } from '../session';
import { ActionsList } from './connection/actions-list';
import { ConnectionActions } from './connection/connection-actions';
import { DeliveriesList } from './connection/deliveries';
import { MetadataSection } from './connection/metadata';
import { ModelsTable } from './connection/models';
import { RunsTable } from './connection/runs-table';

const LIVE_MS = 2_000;
/** After an action the console keeps looking for the run it started, which takes a moment to appear. */
const FOLLOW_ACTION_MS = 20_000;

const anyRunning = (runs: SyncRun[]) => runs.some((run) => run.status === 'running');

export function ConnectionPage({ connectionId }: { connectionId: string }) {
  const { canAct } = useSession();
  const { notice, report } = useNotice();
  const [followUntil, setFollowUntil] = useState(0);
  const following = () => Date.now() < followUntil;
  const connection = useApi(() => getConnection(connectionId), [connectionId], {
    pollMs: LIVE_MS,
    keepPolling: (data) => following() || Object.values(data.syncs).some((sync) => sync.lastRun?.status === 'running'),
  });
  const runs = useApi(() => listRuns(connectionId, { limit: 20 }), [connectionId], {
    pollMs: LIVE_MS,
    keepPolling: (data) => following() || anyRunning(data.runs),
  });

  /** Runs an action, says how it went, and refreshes what it changed. */
  async function act<T>(action: () => Promise<T>, success: (result: T) => string, failure: string): Promise<T | undefined> {
    const result = await report(action, success, failure);
    if (result !== undefined) {
      setFollowUntil(Date.now() + FOLLOW_ACTION_MS);
      connection.reload();
      runs.reload();
    }
    return result;
  }

  if (connection.error && !connection.data) {
    return (
      <>
        <PageHeading title={`Connection ${connectionId}`} />
        <LoadError what="this connection" error={connection.error} onRetry={connection.error.status === 404 ? undefined : connection.reload} />
        <p>
          <a href="/console/connections">All connections</a>
        </p>
      </>
    );
  }
  if (!connection.data) {
    return (
      <>
        <PageHeading title={`Connection ${connectionId}`} />
        <Loading what="the connection" />
      </>
    );
  }
  const view = connection.data;
  return (
    <>
      <PageHeading title={`Connection ${connectionId}`}>
        <p class="subtitle">
          <StatusBadge status={view.status} /> <HealthBadge health={view.health.state} /> {view.integration} ({view.provider})
          {view.temporalUiUrl && (
            <>
              {' · '}
              <a href={view.temporalUiUrl} target="_blank" rel="noopener noreferrer">
                Open its workflow in the Temporal UI
              </a>
            </>
          )}
        </p>
      </PageHeading>
      <Notice notice={notice} />
      {canAct && <ConnectionActions connection={view} act={act} />}
      <Summary connection={view} />
      <ModelsTable connection={view} canAct={canAct} act={act} />
      <MetadataSection connection={view} canAct={canAct} act={act} />
      <section aria-labelledby="recent-runs">
        <h2 id="recent-runs">Recent runs</h2>
        {runs.error && <LoadError what="runs" error={runs.error} onRetry={runs.reload} />}
        {!runs.data && runs.loading && <Loading what="runs" />}
        {runs.data && <RunsTable connectionId={connectionId} runs={runs.data.runs} />}
      </section>
      <DeliveriesList connectionId={connectionId} canAct={canAct} act={act} />
      <ActionsList connectionId={connectionId} />
    </>
  );
}

function Summary({ connection }: { connection: ConnectionView }) {
  const { credentials, health } = connection;
  return (
    <section aria-labelledby="summary">
      <h2 id="summary">Account and credentials</h2>
      <dl class="facts">
        <dt>Account</dt>
        <dd>{connection.accountId ?? <span class="muted">not known until a sign-in names it</span>}</dd>
        <dt>Created</dt>
        <dd>{formatTime(connection.createdAt)}</dd>
        <dt>Status</dt>
        <dd>
          <StatusBadge status={connection.status} /> {connection.statusReason ?? ''}
          {connection.statusUntil && (
            <>
              {' '}
              (until <Time iso={connection.statusUntil} />)
            </>
          )}
        </dd>
        <dt>Health</dt>
        <dd>
          <HealthBadge health={health.state} /> {health.reason ?? ''}
          {health.since && (
            <>
              {' '}
              (since <Time iso={health.since} />)
            </>
          )}
        </dd>
        <dt>Credentials</dt>
        <dd>
          {credentials.state}
          {credentials.expiresAt && (
            <>
              , access token expires <Time iso={credentials.expiresAt} />
            </>
          )}
          {credentials.refreshedAt && (
            <>
              , refreshed <Time iso={credentials.refreshedAt} /> ({formatCount(credentials.refreshCount)} refreshes)
            </>
          )}
        </dd>
        {credentials.lastError && (
          <>
            <dt>Last credential error</dt>
            <dd class="message">{credentials.lastError}</dd>
          </>
        )}
        {connection.workflowId && (
          <>
            <dt>Workflow</dt>
            <dd class="mono">{connection.workflowId}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
