// Run: one sync run's activity log (mode and why, pages, provider requests, waits, refreshes, errors with the
// provider's message, invalid records), fetched with `after` every 2 s while the run is in flight: no reload.
import { useEffect, useState } from 'preact/hooks';
import { runEvents } from '../api/endpoints';
import type { ApiError } from '../api/http';
import type { RunEvent, SyncRun } from '../api/types';
import { LevelBadge, RunBadge } from '../components/badges';
import { formatClock, formatCount, formatDuration, formatTime, words } from '../components/format';
import { PageHeading } from '../components/page-heading';
import { Empty, LoadError, Loading } from '../components/states';
import { asApiError } from '../components/use-api';

const LIVE_MS = 2_000;
const RETRY_MS = 5_000;

interface Timeline {
  run: SyncRun | null;
  events: RunEvent[];
  error: ApiError | null;
}

/** The run and its events so far; keeps asking for newer events while the run is running. */
function useRunTimeline(connectionId: string, runId: string): Timeline {
  const [timeline, setTimeline] = useState<Timeline>({ run: null, events: [], error: null });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let after: number | undefined;
    let events: RunEvent[] = [];
    let finishedSeen = false;
    setTimeline({ run: null, events: [], error: null });

    async function poll() {
      try {
        const page = await runEvents(connectionId, runId, after);
        if (stopped) return;
        const known = new Set(events.map((event) => event.seq));
        events = [...events, ...page.events.filter((event) => !known.has(event.seq))];
        after = page.nextAfter ?? events.at(-1)?.seq ?? after;
        setTimeline({ run: page.run, events, error: null });
        // Events came: there may be more right behind them (the API answers a page at a time).
        const more = page.events.length > 0;
        // One more look after the run ends, for the events written as it finished.
        const done = page.run.status !== 'running' && (finishedSeen || events.some((event) => event.kind === 'finished'));
        finishedSeen = page.run.status !== 'running';
        if (more) timer = setTimeout(() => void poll(), 100);
        else if (!done) timer = setTimeout(() => void poll(), page.run.status === 'running' ? LIVE_MS : LIVE_MS / 2);
      } catch (failure) {
        if (stopped) return;
        const error = asApiError(failure);
        setTimeline((previous) => ({ ...previous, error }));
        if (error.status !== 404 && error.status !== 401) timer = setTimeout(() => void poll(), RETRY_MS);
      }
    }
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [connectionId, runId]);
  return timeline;
}

export function RunPage({ connectionId, runId }: { connectionId: string; runId: string }) {
  const { run, events, error } = useRunTimeline(connectionId, runId);
  const connectionHref = `/console/connections/${encodeURIComponent(connectionId)}`;
  return (
    <>
      <PageHeading title={run ? `Run of ${run.model} (${run.mode})` : 'Run'}>
        <p class="subtitle">
          <a href={connectionHref}>Connection {connectionId}</a> · <span class="mono">{runId}</span>
        </p>
      </PageHeading>
      {error && <LoadError what={run ? 'newer events (retrying)' : 'this run'} error={error} />}
      {!run && !error && <Loading what="the run" />}
      {run && <RunFacts run={run} />}
      {run && (
        <section aria-labelledby="timeline">
          <h2 id="timeline">Activity log</h2>
          {events.length === 0 ? <Empty>No event recorded yet.</Empty> : <TimelineList events={events} />}
          {run.status === 'running' && (
            <p class="live note" aria-hidden="true">
              Updating live while the run is in flight.
            </p>
          )}
        </section>
      )}
      {run && run.invalidSamples.length > 0 && (
        <section aria-labelledby="invalid-records">
          <h2 id="invalid-records">Invalid records ({formatCount(run.invalidRecords)})</h2>
          <ul class="plain">
            {run.invalidSamples.map((sample, index) => (
              <li key={index}>
                <span class="mono">{sample.externalId ?? 'unknown id'}</span>: {sample.problems.join('; ')}
              </li>
            ))}
          </ul>
        </section>
      )}
      <p>
        <a href={`/console/logs?connectionId=${encodeURIComponent(connectionId)}`}>All logs of this connection</a>
      </p>
    </>
  );
}

function RunFacts({ run }: { run: SyncRun }) {
  return (
    <section aria-labelledby="run-facts">
      <h2 id="run-facts" class="visually-hidden">
        Outcome
      </h2>
      <p class="run-status" role="status">
        <RunBadge status={run.status} />{' '}
        {run.status === 'running' ? `running since ${formatTime(run.startedAt)}` : `${run.status} after ${formatDuration(run.durationMs)}`}
      </p>
      {run.error && (
        <p class="run-error message">
          <strong>{run.error.code}</strong>: {run.error.message}
        </p>
      )}
      <dl class="facts">
        <dt>Mode</dt>
        <dd>
          {run.mode}
          {run.fullReason ? ` (${run.fullReason})` : ''}
        </dd>
        <dt>Started</dt>
        <dd>{formatTime(run.startedAt)}</dd>
        <dt>Finished</dt>
        <dd>{run.finishedAt ? formatTime(run.finishedAt) : '—'}</dd>
        <dt>Records</dt>
        <dd>
          {formatCount(run.recordsRead)} read in {formatCount(run.pages)} pages: {formatCount(run.added)} added, {formatCount(run.updated)} updated,{' '}
          {formatCount(run.deleted)} deleted
        </dd>
        <dt>Provider</dt>
        <dd>
          {formatCount(run.providerRequests)} requests, {formatCount(run.rateLimitWaits)} rate-limit waits, {formatCount(run.attempts)} attempts
        </dd>
        {run.missingFields.length > 0 && (
          <>
            <dt>Fields the account lacks</dt>
            <dd class="message">{run.missingFields.join(', ')}</dd>
          </>
        )}
      </dl>
    </section>
  );
}

function TimelineList({ events }: { events: RunEvent[] }) {
  return (
    <ol class="timeline">
      {events.map((event) => (
        <li key={event.seq} class={`event level-${event.level}`}>
          <time dateTime={event.at} title={formatTime(event.at)}>
            {formatClock(event.at)}
          </time>
          <LevelBadge level={event.level} />
          <span class="kind">{words(event.kind)}</span>
          <span class="message">{event.message}</span>
          <EventData data={event.data} />
        </li>
      ))}
    </ol>
  );
}

/** An event's details as name–value text; nested values as compact JSON. */
export function EventData({ data }: { data: Record<string, unknown> | null }) {
  const entries = Object.entries(data ?? {}).filter(([, value]) => value !== null && value !== undefined && value !== '');
  if (entries.length === 0) return null;
  return (
    <dl class="event-data">
      {entries.map(([name, value]) => (
        <div key={name}>
          <dt>{name}</dt>
          <dd>{typeof value === 'object' ? JSON.stringify(value) : String(value)}</dd>
        </div>
      ))}
    </dl>
  );
}
