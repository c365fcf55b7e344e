// A connection's recent sync runs, newest first, each linking to its activity log.
import type { SyncRun } from '../../api/types';
import { RunBadge } from '../../components/badges';
import { formatCount, formatDuration } from '../../components/format';
import { Empty } from '../../components/states';
import { Time } from '../../components/time';

export function RunsTable({ connectionId, runs }: { connectionId: string; runs: SyncRun[] }) {
  if (runs.length === 0) return <Empty>No run yet.</Empty>;
  return (
    <div class="table-wrap">
      <table>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Outcome</th>
            <th scope="col">Started</th>
            <th scope="col">Took</th>
            <th scope="col">Added / updated / deleted</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.runId}>
              <th scope="row">
                <a href={`/console/connections/${encodeURIComponent(connectionId)}/runs/${encodeURIComponent(run.runId)}`}>
                  {run.model}, {run.mode}
                </a>
                {run.fullReason && <span class="sub">{run.fullReason}</span>}
              </th>
              <td>
                <RunBadge status={run.status} />
              </td>
              <td>
                <Time iso={run.startedAt} />
              </td>
              <td>{run.status === 'running' ? 'running' : formatDuration(run.durationMs)}</td>
              <td>
                {formatCount(run.added)} / {formatCount(run.updated)} / {formatCount(run.deleted)}
              </td>
              <td class="message">{run.error ? `${run.error.code}: ${run.error.message}` : ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
