// Overview: what needs attention first (stuck, auth errors, degraded, failing syncs, failing webhook deliveries),
// then the last 24 hours of runs and record changes per hour.
import { listConnections, overviewStats } from '../api/endpoints';
import type { Connection, ConnectionStatus, HealthState, OverviewStats } from '../api/types';
import { HealthBadge, StatusBadge } from '../components/badges';
import { BarChart } from '../components/bar-chart';
import { formatCount, words } from '../components/format';
import { PageHeading } from '../components/page-heading';
import { Empty, LoadError, Loading } from '../components/states';
import { Time } from '../components/time';
import { useApi } from '../components/use-api';
import { withQuery } from '../api/http';

const STATUS_ORDER: ConnectionStatus[] = ['auth_error', 'degraded', 'rate_limited', 'paused', 'active'];
/** Paused is a choice someone made; these are not. */
const NEEDS_ATTENTION = new Set<ConnectionStatus>(['auth_error', 'degraded', 'rate_limited']);
const HEALTH_ORDER: HealthState[] = ['stuck', 'unknown', 'ok'];
const REFRESH_MS = 30_000;

export function OverviewPage() {
  const stats = useApi(() => overviewStats(24), [], { pollMs: REFRESH_MS, keepPolling: () => true });
  const failing = useApi(() => listConnections({ failing: true, limit: 10 }), [], { pollMs: REFRESH_MS, keepPolling: () => true });
  return (
    <>
      <PageHeading title="Overview" />
      {stats.error && <LoadError what="the overview" error={stats.error} onRetry={stats.reload} />}
      {!stats.data && stats.loading && <Loading what="the overview" />}
      {stats.data && <ConnectionCounts stats={stats.data} />}
      {stats.data && <Problems stats={stats.data} />}
      <section aria-labelledby="failing-syncs">
        <h2 id="failing-syncs">Failing syncs</h2>
        {failing.error && <LoadError what="failing syncs" error={failing.error} onRetry={failing.reload} />}
        {!failing.data && failing.loading && <Loading what="failing syncs" />}
        {failing.data && <FailingSyncs connections={failing.data.connections} more={failing.data.nextCursor !== null} />}
      </section>
      {stats.data && <Charts stats={stats.data} />}
      {stats.data && <FailingDeliveries stats={stats.data} />}
    </>
  );
}

function ConnectionCounts({ stats }: { stats: OverviewStats }) {
  const { connections } = stats;
  return (
    <section aria-labelledby="connection-counts">
      <h2 id="connection-counts">Connections: {formatCount(connections.total)}</h2>
      <div class="tiles">
        <ul class="tile-group" aria-label="By status">
          {STATUS_ORDER.map((status) => (
            <li key={status}>
              <a class={`tile ${NEEDS_ATTENTION.has(status) && (connections.byStatus[status] ?? 0) > 0 ? 'attention' : ''}`} href={withQuery('/console/connections', { status })}>
                <span class="tile-count">{formatCount(connections.byStatus[status] ?? 0)}</span>
                <span class="tile-label">{words(status)}</span>
              </a>
            </li>
          ))}
        </ul>
        <ul class="tile-group" aria-label="By health">
          {HEALTH_ORDER.map((health) => (
            <li key={health}>
              <a class={`tile ${health === 'stuck' && (connections.byHealth.stuck ?? 0) > 0 ? 'attention' : ''}`} href={withQuery('/console/connections', { health })}>
                <span class="tile-count">{formatCount(connections.byHealth[health] ?? 0)}</span>
                <span class="tile-label">{health === 'ok' ? 'healthy' : health}</span>
              </a>
            </li>
          ))}
        </ul>
      </div>
    </section>
  );
}

function Problems({ stats }: { stats: OverviewStats }) {
  return (
    <section aria-labelledby="problems">
      <h2 id="problems">Needs attention</h2>
      {stats.problems.length === 0 ? (
        <Empty>No connection is stuck, failing to authenticate, degraded or rate limited.</Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Connection</th>
                <th scope="col">Integration</th>
                <th scope="col">Health</th>
                <th scope="col">Status</th>
                <th scope="col">Why</th>
              </tr>
            </thead>
            <tbody>
              {stats.problems.map((problem) => (
                <tr key={problem.connectionId}>
                  <th scope="row">
                    <a href={`/console/connections/${encodeURIComponent(problem.connectionId)}`}>{problem.connectionId}</a>
                  </th>
                  <td>{problem.integration}</td>
                  <td>
                    <HealthBadge health={problem.health} />
                  </td>
                  <td>
                    <StatusBadge status={problem.status} />
                  </td>
                  <td class="message">{problem.statusReason ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

/** Each connection with a model whose last run failed, one row per failed model, with the run's error. */
function FailingSyncs({ connections, more }: { connections: Connection[]; more: boolean }) {
  const rows = connections.flatMap((connection) =>
    Object.entries(connection.syncs)
      .filter(([, sync]) => sync.lastRun?.status === 'failed')
      .map(([model, sync]) => ({ connection, model, run: sync.lastRun! })),
  );
  if (rows.length === 0) return <Empty>Every model's last run succeeded or is running.</Empty>;
  return (
    <>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Connection</th>
              <th scope="col">Model</th>
              <th scope="col">Failed</th>
              <th scope="col">Error</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ connection, model, run }) => (
              <tr key={`${connection.connectionId}/${model}`}>
                <th scope="row">
                  <a href={`/console/connections/${encodeURIComponent(connection.connectionId)}`}>{connection.connectionId}</a>
                </th>
                <td>{model}</td>
                <td>
                  <a href={`/console/connections/${encodeURIComponent(connection.connectionId)}/runs/${encodeURIComponent(run.runId)}`}>
                    <Time iso={run.finishedAt ?? run.startedAt} />
                  </a>
                </td>
                <td class="message">{run.error ? `${run.error.code}: ${run.error.message}` : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {more && (
        <p>
          <a href={withQuery('/console/connections', { failing: 'true' })}>Every connection with a failing sync</a>
        </p>
      )}
    </>
  );
}

function Charts({ stats }: { stats: OverviewStats }) {
  return (
    <section aria-labelledby="last-day">
      <h2 id="last-day">Last 24 hours</h2>
      <div class="charts">
        <BarChart
          id="runs-chart"
          title="Runs per hour"
          rows={stats.runs.byHour}
          series={[
            { key: 'succeeded', label: 'succeeded', className: 'series-ok' },
            { key: 'failed', label: 'failed', className: 'series-bad' },
            { key: 'running', label: 'running', className: 'series-info' },
          ]}
        />
        <BarChart
          id="changes-chart"
          title="Records changed per hour"
          rows={stats.recordsChanged.byHour}
          series={[
            { key: 'added', label: 'added', className: 'series-ok' },
            { key: 'updated', label: 'updated', className: 'series-info' },
            { key: 'deleted', label: 'deleted', className: 'series-bad' },
          ]}
        />
      </div>
    </section>
  );
}

function FailingDeliveries({ stats }: { stats: OverviewStats }) {
  const { count, recent } = stats.failingDeliveries;
  return (
    <section aria-labelledby="failing-deliveries">
      <h2 id="failing-deliveries">Webhook deliveries failing now: {formatCount(count)}</h2>
      {recent.length === 0 ? (
        <Empty>Every webhook's last delivery attempt succeeded.</Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Connection</th>
                <th scope="col">Attempt</th>
                <th scope="col">Answer</th>
                <th scope="col">When</th>
              </tr>
            </thead>
            <tbody>
              {recent.map((delivery) => (
                <tr key={`${delivery.eventId}/${delivery.attempt}`}>
                  <th scope="row">
                    <span class="mono">{delivery.eventId}</span>
                    <br />
                    <span class="muted">{delivery.type}</span>
                  </th>
                  <td>
                    <a href={`/console/connections/${encodeURIComponent(delivery.connectionId)}#deliveries`}>{delivery.connectionId}</a>
                  </td>
                  <td>{delivery.attempt}</td>
                  <td class="message">{delivery.status === null ? delivery.error ?? 'unreachable' : `HTTP ${delivery.status}${delivery.error ? `: ${delivery.error}` : ''}`}</td>
                  <td>
                    <Time iso={delivery.attemptedAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
