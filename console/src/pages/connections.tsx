// Connections: server-side search and filters kept in the address (shareable), problems first, one page at a time.
import { useLocation } from 'preact-iso/router';
import { useState } from 'preact/hooks';
import { listConnections, listIntegrations } from '../api/endpoints';
import { withQuery } from '../api/http';
import { catalogProviders } from '../api/providers';
import type { Connection, ConnectionStatus, HealthState } from '../api/types';
import { HealthBadge, RunBadge, StatusBadge } from '../components/badges';
import { words } from '../components/format';
import { oneOf } from '../components/one-of';
import { PageHeading } from '../components/page-heading';
import { Empty, LoadError, Loading } from '../components/states';
import { Time } from '../components/time';
import { useApi } from '../components/use-api';

const PAGE_SIZE = 50;
const STATUSES: readonly ConnectionStatus[] = ['auth_error', 'degraded', 'rate_limited', 'paused', 'active'];
const HEALTHS: readonly HealthState[] = ['stuck', 'unknown', 'ok'];

// A type, not an interface: it goes into the address bar's query as it is.
type Filters = {
  q: string;
  integration: string;
  provider: string;
  status: ConnectionStatus | '';
  health: HealthState | '';
  failing: boolean;
};

function filtersFrom(query: Record<string, string>): Filters {
  return {
    q: query.q ?? '',
    integration: query.integration ?? '',
    provider: query.provider ?? '',
    status: oneOf(STATUSES, query.status),
    health: oneOf(HEALTHS, query.health),
    failing: query.failing === 'true',
  };
}

export function ConnectionsPage() {
  const { query, route } = useLocation();
  const filters = filtersFrom(query);
  const cursor = query.cursor;
  const page = useApi(() => listConnections({ ...filters, status: filters.status || undefined, health: filters.health || undefined, cursor, limit: PAGE_SIZE }), [filters, cursor]);
  const filtered = Object.values(filters).some(Boolean);

  return (
    <>
      <PageHeading title="Connections" />
      <FilterForm key={JSON.stringify(filters)} initial={filters} onApply={(next) => route(withQuery('/console/connections', { ...next, failing: next.failing ? 'true' : undefined }))} />
      {page.error && <LoadError what="connections" error={page.error} onRetry={page.reload} />}
      {!page.data && page.loading && <Loading what="connections" />}
      {page.data && (
        <section aria-labelledby="connection-results" aria-busy={page.loading}>
          <h2 id="connection-results" class="visually-hidden">
            Results
          </h2>
          {page.data.connections.length === 0 ? (
            <Empty>{filtered ? 'No connection matches these filters.' : 'No connections yet: connect a customer account through a connect session.'}</Empty>
          ) : (
            <ConnectionTable connections={page.data.connections} />
          )}
          <nav class="pager" aria-label="Pages of connections">
            {cursor && <a href={withQuery('/console/connections', { ...filters, failing: filters.failing ? 'true' : undefined })}>First page</a>}
            {page.data.nextCursor && (
              <a href={withQuery('/console/connections', { ...filters, failing: filters.failing ? 'true' : undefined, cursor: page.data.nextCursor })}>Next page</a>
            )}
          </nav>
        </section>
      )}
    </>
  );
}

function FilterForm({ initial, onApply }: { initial: Filters; onApply(filters: Filters): void }) {
  const [filters, setFilters] = useState(initial);
  const integrations = useApi(() => listIntegrations(), []);
  const providers = useApi(() => catalogProviders(), []);
  const set = (name: keyof Filters) => (event: Event) => {
    const target = event.currentTarget as HTMLInputElement | HTMLSelectElement;
    setFilters({ ...filters, [name]: target instanceof HTMLInputElement && target.type === 'checkbox' ? target.checked : target.value });
  };
  return (
    <form
      class="filters"
      role="search"
      aria-label="Search connections"
      onSubmit={(event) => {
        event.preventDefault();
        onApply({ ...filters, q: filters.q.trim() });
      }}
    >
      <div class="field grow">
        <label for="filter-q">Search</label>
        <input id="filter-q" type="search" value={filters.q} onInput={set('q')} placeholder="Connection id, account id or metadata value" />
      </div>
      <div class="field">
        <label for="filter-integration">Integration</label>
        <select id="filter-integration" value={filters.integration} onChange={set('integration')}>
          <option value="">Any</option>
          {(integrations.data?.integrations ?? []).map((integration) => (
            <option key={integration.key} value={integration.key}>
              {integration.key}
            </option>
          ))}
          {filters.integration && !integrations.data?.integrations.some((i) => i.key === filters.integration) && <option value={filters.integration}>{filters.integration}</option>}
        </select>
      </div>
      <div class="field">
        <label for="filter-provider">Provider</label>
        <select id="filter-provider" value={filters.provider} onChange={set('provider')}>
          <option value="">Any</option>
          {(providers.data ?? []).map((provider) => (
            <option key={provider} value={provider}>
              {provider}
            </option>
          ))}
          {filters.provider && !providers.data?.includes(filters.provider) && <option value={filters.provider}>{filters.provider}</option>}
        </select>
      </div>
      <div class="field">
        <label for="filter-status">Status</label>
        <select id="filter-status" value={filters.status} onChange={set('status')}>
          <option value="">Any</option>
          {STATUSES.map((status) => (
            <option key={status} value={status}>
              {words(status)}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="filter-health">Health</label>
        <select id="filter-health" value={filters.health} onChange={set('health')}>
          <option value="">Any</option>
          {HEALTHS.map((health) => (
            <option key={health} value={health}>
              {health === 'ok' ? 'healthy' : health}
            </option>
          ))}
        </select>
      </div>
      <div class="field checkbox">
        <input id="filter-failing" type="checkbox" checked={filters.failing} onChange={set('failing')} />
        <label for="filter-failing">A model's last run failed</label>
      </div>
      <div class="field buttons">
        <button type="submit">Search</button>
      </div>
    </form>
  );
}

function ConnectionTable({ connections }: { connections: Connection[] }) {
  return (
    <div class="table-wrap">
      <table class="connections">
        <thead>
          <tr>
            <th scope="col">Connection</th>
            <th scope="col">Status</th>
            <th scope="col">Health</th>
            <th scope="col">Models: last run, next run</th>
          </tr>
        </thead>
        <tbody>
          {connections.map((connection) => (
            <tr key={connection.connectionId}>
              <th scope="row">
                <a href={`/console/connections/${encodeURIComponent(connection.connectionId)}`}>{connection.connectionId}</a>
                <span class="sub">
                  {connection.integration} · {connection.accountId ?? 'no account yet'}
                </span>
              </th>
              <td>
                <StatusBadge status={connection.status} />
              </td>
              <td>
                <HealthBadge health={connection.health.state} />
              </td>
              <td>
                <ModelSummaries connection={connection} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

function ModelSummaries({ connection }: { connection: Connection }) {
  const models = Object.entries(connection.syncs);
  if (models.length === 0) return <span class="muted">no models</span>;
  return (
    <ul class="model-summaries">
      {models.map(([model, sync]) => (
        <li key={model}>
          <span class="model-name">{model}</span>{' '}
          {sync.lastRun ? (
            <>
              <RunBadge status={sync.lastRun.status} /> <Time iso={sync.lastRun.finishedAt ?? sync.lastRun.startedAt} />
            </>
          ) : (
            <span class="muted">never ran</span>
          )}
          {' · '}
          {sync.paused || connection.paused ? <span class="muted">paused</span> : <>next <Time iso={sync.nextRunAt} fallback="not scheduled" /></>}
        </li>
      ))}
    </ul>
  );
}
