// The connection's actions (write-backs to the provider), newest first, with their outcome or the provider's error.
import { listActions } from '../../api/endpoints';
import { RunBadge } from '../../components/badges';
import { Empty, LoadError, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { useApi } from '../../components/use-api';

export function ActionsList({ connectionId }: { connectionId: string }) {
  const actions = useApi(() => listActions(connectionId), [connectionId]);
  return (
    <section aria-labelledby="write-backs">
      <h2 id="write-backs">Actions (write-backs)</h2>
      {actions.error && <LoadError what="actions" error={actions.error} onRetry={actions.reload} />}
      {!actions.data && actions.loading && <Loading what="actions" />}
      {actions.data && actions.data.actions.length === 0 && <Empty>No action was run on this connection.</Empty>}
      {actions.data && actions.data.actions.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Action</th>
                <th scope="col">Outcome</th>
                <th scope="col">Started</th>
                <th scope="col">Result</th>
              </tr>
            </thead>
            <tbody>
              {actions.data.actions.map((action) => (
                <tr key={action.actionId}>
                  <th scope="row">
                    {action.name}
                    <span class="sub mono">{action.actionId}</span>
                  </th>
                  <td>
                    <RunBadge status={action.status} />
                  </td>
                  <td>
                    <Time iso={action.startedAt} />
                  </td>
                  <td class="message">{action.error ? `${action.error.code}: ${action.error.message}` : action.output === undefined || action.output === null ? '' : JSON.stringify(action.output)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
