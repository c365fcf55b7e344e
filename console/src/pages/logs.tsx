// Logs: one stream of run, action, delivery and connection events, newest first, filtered by connection, integration,
// model, level and time window, with full text over messages and record ids; the filters live in the address.
import { useLocation } from 'preact-iso/router';
import { useEffect, useState } from 'preact/hooks';
import { searchLogs } from '../api/endpoints';
import { withQuery } from '../api/http';
import { EVENT_LEVELS, type EventLevel, type LogEvent, type LogWindow } from '../api/types';
import { LevelBadge } from '../components/badges';
import { formatTime, words } from '../components/format';
import { oneOf } from '../components/one-of';
import { PageHeading } from '../components/page-heading';
import { Empty, LoadError, Loading } from '../components/states';
import { asApiError } from '../components/use-api';
import type { ApiError } from '../api/http';
import { EventData } from './run';

const WINDOWS: { value: LogWindow; label: string }[] = [
  { value: '1h', label: 'Last hour' },
  { value: '24h', label: 'Last day' },
  { value: '7d', label: 'Last week' },
];
const PAGE_SIZE = 100;

// A type, not an interface: it goes into the address bar's query as it is.
type Filters = {
  connectionId: string;
  integration: string;
  model: string;
  level: EventLevel | '';
  q: string;
  window: LogWindow;
};

function filtersFrom(query: Record<string, string>): Filters {
  const window = oneOf(WINDOWS.map((w) => w.value), query.window) || '24h';
  return { connectionId: query.connectionId ?? '', integration: query.integration ?? '', model: query.model ?? '', level: oneOf(EVENT_LEVELS, query.level), q: query.q ?? '', window };
}

interface Results {
  events: LogEvent[];
  nextCursor: string | null;
  loading: boolean;
  error: ApiError | null;
}

export function LogsPage() {
  const { query, route } = useLocation();
  const filters = filtersFrom(query);
  const key = JSON.stringify(filters);
  const [results, setResults] = useState<Results>({ events: [], nextCursor: null, loading: true, error: null });

  async function load(cursor: string | undefined, previous: LogEvent[]) {
    setResults((current) => ({ ...current, loading: true, error: null }));
    try {
      const page = await searchLogs({ ...filters, level: filters.level || undefined, cursor, limit: PAGE_SIZE });
      setResults({ events: [...previous, ...page.events], nextCursor: page.nextCursor, loading: false, error: null });
    } catch (failure) {
      setResults((current) => ({ ...current, loading: false, error: asApiError(failure) }));
    }
  }

  useEffect(() => {
    setResults({ events: [], nextCursor: null, loading: true, error: null });
    void load(undefined, []);
  }, [key]);

  return (
    <>
      <PageHeading title="Logs" />
      <LogFilters key={key} initial={filters} onApply={(next) => route(withQuery('/console/logs', next))} />
      {results.error && <LoadError what="logs" error={results.error} onRetry={() => void load(undefined, [])} />}
      {results.loading && results.events.length === 0 && <Loading what="logs" />}
      {!results.loading && !results.error && results.events.length === 0 && <Empty>No event in this window matches these filters.</Empty>}
      {results.events.length > 0 && (
        <section aria-labelledby="log-results" aria-busy={results.loading}>
          <h2 id="log-results" class="visually-hidden">
            Events, newest first
          </h2>
          <ol class="log-list">
            {results.events.map((event) => (
              <LogLine key={`${event.source}/${event.seq}`} event={event} />
            ))}
          </ol>
          {results.nextCursor && (
            <button type="button" class="secondary" disabled={results.loading} onClick={() => void load(results.nextCursor ?? undefined, results.events)}>
              {results.loading ? 'Loading…' : 'Load older events'}
            </button>
          )}
        </section>
      )}
    </>
  );
}

function LogLine({ event }: { event: LogEvent }) {
  const connection = event.connectionId ? `/console/connections/${encodeURIComponent(event.connectionId)}` : null;
  return (
    <li class={`log-line level-${event.level}`}>
      <div class="log-head">
        <time dateTime={event.at}>{formatTime(event.at)}</time>
        <LevelBadge level={event.level} />
        <span class="kind">
          {event.source} · {words(event.kind)}
        </span>
        {connection && <a href={connection}>{event.connectionId}</a>}
        {event.model && <span class="model-name">{event.model}</span>}
        {connection && event.runId && <a href={`${connection}/runs/${encodeURIComponent(event.runId)}`}>the run</a>}
      </div>
      <p class="message">{event.message}</p>
      <EventData data={event.data} />
    </li>
  );
}

function LogFilters({ initial, onApply }: { initial: Filters; onApply(filters: Filters): void }) {
  const [filters, setFilters] = useState(initial);
  const set = (name: keyof Filters) => (event: Event) => setFilters({ ...filters, [name]: (event.currentTarget as HTMLInputElement | HTMLSelectElement).value });
  return (
    <form
      class="filters"
      role="search"
      aria-label="Search logs"
      onSubmit={(event) => {
        event.preventDefault();
        onApply({ ...filters, q: filters.q.trim(), connectionId: filters.connectionId.trim(), integration: filters.integration.trim(), model: filters.model.trim() });
      }}
    >
      <div class="field grow">
        <label for="logs-q">Search messages and record ids</label>
        <input id="logs-q" type="search" value={filters.q} onInput={set('q')} />
      </div>
      <div class="field">
        <label for="logs-connection">Connection</label>
        <input id="logs-connection" type="text" value={filters.connectionId} onInput={set('connectionId')} spellcheck={false} />
      </div>
      <div class="field">
        <label for="logs-integration">Integration</label>
        <input id="logs-integration" type="text" value={filters.integration} onInput={set('integration')} spellcheck={false} />
      </div>
      <div class="field">
        <label for="logs-model">Model</label>
        <input id="logs-model" type="text" value={filters.model} onInput={set('model')} spellcheck={false} />
      </div>
      <div class="field">
        <label for="logs-level">Level</label>
        <select id="logs-level" value={filters.level} onChange={set('level')}>
          <option value="">Any</option>
          {EVENT_LEVELS.map((level) => (
            <option key={level} value={level}>
              {level}
            </option>
          ))}
        </select>
      </div>
      <div class="field">
        <label for="logs-window">Window</label>
        <select id="logs-window" value={filters.window} onChange={set('window')}>
          {WINDOWS.map((w) => (
            <option key={w.value} value={w.value}>
              {w.label}
            </option>
          ))}
        </select>
      </div>
      <div class="field buttons">
        <button type="submit">Search</button>
      </div>
    </form>
  );
}
