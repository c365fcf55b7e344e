// Records: one model's changes feed for one connection, page by page, and one record (searched by id or picked from
// the feed) with its JSON and its history: added → updated → deleted, when, and the run that made each change.
import { useLocation } from 'preact-iso/router';
import { useState } from 'preact/hooks';
import { listRecords, recordHistory } from '../api/endpoints';
import { withQuery } from '../api/http';
import type { RecordAction } from '../api/types';
import { formatTime } from '../components/format';
import { JsonView } from '../components/json-view';
import { PageHeading } from '../components/page-heading';
import { Empty, LoadError, Loading } from '../components/states';
import { Time } from '../components/time';
import { useApi } from '../components/use-api';

const PAGE_SIZE = 50;
const ACTION_TONE: Record<RecordAction, string> = { added: 'ok', updated: 'info', deleted: 'bad' };

const ActionBadge = ({ action }: { action: RecordAction }) => <span class={`badge tone-${ACTION_TONE[action]}`}>{action}</span>;

export function RecordsPage({ connectionId, model }: { connectionId: string; model: string }) {
  const { query, route } = useLocation();
  const selectedId = query.id ?? '';
  const here = `/console/connections/${encodeURIComponent(connectionId)}/records/${encodeURIComponent(model)}`;
  return (
    <>
      <PageHeading title={`Records: ${model}`}>
        <p class="subtitle">
          <a href={`/console/connections/${encodeURIComponent(connectionId)}`}>Connection {connectionId}</a>
        </p>
      </PageHeading>
      <RecordSearch key={selectedId} initial={selectedId} onSearch={(id) => route(withQuery(here, { id }))} />
      {selectedId && <OneRecord connectionId={connectionId} model={model} id={selectedId} />}
      <ChangesFeed connectionId={connectionId} model={model} here={here} />
    </>
  );
}

function RecordSearch({ initial, onSearch }: { initial: string; onSearch(id: string): void }) {
  const [id, setId] = useState(initial);
  return (
    <form
      class="filters"
      role="search"
      aria-label="Find a record"
      onSubmit={(event) => {
        event.preventDefault();
        onSearch(id.trim());
      }}
    >
      <div class="field grow">
        <label for="record-id">Record id</label>
        <input id="record-id" type="search" value={id} onInput={(event) => setId(event.currentTarget.value)} spellcheck={false} />
      </div>
      <div class="field buttons">
        <button type="submit">Find</button>
      </div>
    </form>
  );
}

function OneRecord({ connectionId, model, id }: { connectionId: string; model: string; id: string }) {
  const found = useApi(() => recordHistory({ connectionId, model, id }), [connectionId, model, id]);
  return (
    <section aria-labelledby="one-record" class="card">
      <h2 id="one-record">
        Record <span class="mono">{id}</span>
      </h2>
      {found.error && <LoadError what="the record" error={found.error} onRetry={found.reload} />}
      {!found.data && found.loading && <Loading what="the record" />}
      {found.data && !found.data.record && <Empty>No record with this id was ever synced for this model.</Empty>}
      {found.data?.record && (
        <>
          <p>
            <ActionBadge action={found.data.record.action} /> last changed {formatTime(found.data.record.updatedAt)}
            {found.data.record.deletedAt && <>, deleted {formatTime(found.data.record.deletedAt)}</>}
          </p>
          <h3>History, newest first</h3>
          {found.data.history.length === 0 ? (
            <Empty>No change of it is recorded any more.</Empty>
          ) : (
            <ol class="history">
              {found.data.history.map((change, index) => (
                <li key={index}>
                  <ActionBadge action={change.action} /> {formatTime(change.at)}
                  {change.runId && (
                    <>
                      {' by '}
                      <a href={`/console/connections/${encodeURIComponent(connectionId)}/runs/${encodeURIComponent(change.runId)}`}>its run</a>
                    </>
                  )}
                </li>
              ))}
            </ol>
          )}
          <h3>Data</h3>
          <JsonView value={found.data.record.data} label={`Record ${id} as JSON`} />
        </>
      )}
    </section>
  );
}

function ChangesFeed({ connectionId, model, here }: { connectionId: string; model: string; here: string }) {
  // Cursors of the pages before this one, so Previous works without the feed having a backwards cursor.
  const [cursors, setCursors] = useState<(string | undefined)[]>([undefined]);
  const cursor = cursors[cursors.length - 1];
  const page = useApi(() => listRecords({ connectionId, model, cursor, limit: PAGE_SIZE }), [connectionId, model, cursor]);
  return (
    <section aria-labelledby="changes-feed">
      <h2 id="changes-feed">Changes feed, in change order</h2>
      {page.error && <LoadError what="the changes feed" error={page.error} onRetry={page.reload} />}
      {!page.data && page.loading && <Loading what="the changes feed" />}
      {page.data && page.data.records.length === 0 && <Empty>{cursors.length > 1 ? 'No further change.' : 'No record of this model was synced yet.'}</Empty>}
      {page.data && page.data.records.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Record id</th>
                <th scope="col">Last change</th>
                <th scope="col">Changed</th>
                <th scope="col">First seen</th>
              </tr>
            </thead>
            <tbody>
              {page.data.records.map((record) => (
                <tr key={record.cursor}>
                  <th scope="row">
                    <a class="mono" href={withQuery(here, { id: record.id })}>
                      {record.id}
                    </a>
                  </th>
                  <td>
                    <ActionBadge action={record.action} />
                  </td>
                  <td>
                    <Time iso={record.lastModifiedAt} />
                  </td>
                  <td>
                    <Time iso={record.firstSeenAt} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <nav class="pager" aria-label="Pages of the changes feed">
        {cursors.length > 1 && (
          <button type="button" class="secondary" onClick={() => setCursors(cursors.slice(0, -1))}>
            Previous page
          </button>
        )}
        {page.data?.hasMore && (
          <button type="button" class="secondary" onClick={() => setCursors([...cursors, page.data?.nextCursor])}>
            Next page
          </button>
        )}
      </nav>
    </section>
  );
}

