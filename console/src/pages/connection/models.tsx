// Each model of a connection: frequency, paused, last and next run, stored records, fields the account lacks; for
// admins sync/resync/pause per model and a form to change its frequency and extra fields (API errors shown inline).
import { useState } from 'preact/hooks';
import { requestSync, updateConnection } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import type { ConnectionView } from '../../api/types';
import { RunBadge } from '../../components/badges';
import { ConfirmDialog } from '../../components/dialog';
import { formatCount } from '../../components/format';
import type { Act } from '../../components/notice';
import { Empty } from '../../components/states';
import { Time } from '../../components/time';

type Sync = ConnectionView['syncs'][string];

export function ModelsTable({ connection, canAct, act }: { connection: ConnectionView; canAct: boolean; act: Act }) {
  const [editing, setEditing] = useState<string | null>(null);
  const [resyncing, setResyncing] = useState<string | null>(null);
  const id = connection.connectionId;
  const models = Object.entries(connection.syncs) as [string, Sync][];
  // Shown when the API says how many records each model stores (not every API version does).
  const counted = models.some(([, sync]) => typeof sync.recordCount === 'number');
  return (
    <section aria-labelledby="models">
      <h2 id="models">Models</h2>
      {models.length === 0 ? (
        <Empty>This connection syncs no model.</Empty>
      ) : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Model</th>
                <th scope="col">Every</th>
                <th scope="col">Last run</th>
                <th scope="col">Next run</th>
                {counted && <th scope="col">Records</th>}
                <th scope="col">Fields the account lacks</th>
                {canAct && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {models.map(([model, sync]) => (
                <tr key={model}>
                  <th scope="row">
                    <a href={`/console/connections/${encodeURIComponent(id)}/records/${encodeURIComponent(model)}`}>{model}</a>
                    {(connection.fields[model] ?? []).length > 0 && <span class="sub">+ {connection.fields[model].join(', ')}</span>}
                  </th>
                  <td>
                    {sync.frequency}
                    {sync.paused && <span class="sub">paused</span>}
                  </td>
                  <td>
                    {sync.lastRun ? (
                      <a href={`/console/connections/${encodeURIComponent(id)}/runs/${encodeURIComponent(sync.lastRun.runId)}`}>
                        <RunBadge status={sync.lastRun.status} /> <Time iso={sync.lastRun.finishedAt ?? sync.lastRun.startedAt} />
                      </a>
                    ) : (
                      <span class="muted">never ran</span>
                    )}
                  </td>
                  <td>{sync.paused || connection.paused ? <span class="muted">paused</span> : <Time iso={sync.nextRunAt} fallback="not scheduled" />}</td>
                  {counted && <td>{formatCount(sync.recordCount)}</td>}
                  <td class="message">{sync.lastRun && sync.lastRun.missingFields.length > 0 ? sync.lastRun.missingFields.join(', ') : <span class="muted">none</span>}</td>
                  {canAct && (
                    <td class="row-actions">
                      <button type="button" class="small" onClick={() => void act(() => requestSync(id, { models: [model] }), () => `Sync of ${model} requested.`, `Could not sync ${model}`)}>
                        Sync
                      </button>
                      <button type="button" class="small secondary" onClick={() => setResyncing(model)}>
                        Resync…
                      </button>
                      <button
                        type="button"
                        class="small secondary"
                        onClick={() =>
                          void act(
                            () => updateConnection(id, { syncs: { [model]: { paused: !sync.paused } } }),
                            () => (sync.paused ? `${model} resumed.` : `${model} paused.`),
                            sync.paused ? `Could not resume ${model}` : `Could not pause ${model}`,
                          )
                        }
                      >
                        {sync.paused ? 'Resume' : 'Pause'}
                      </button>
                      <button type="button" class="small secondary" onClick={() => setEditing(model)}>
                        Edit…
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {resyncing && (
        <ConfirmDialog
          title={`Full resync of ${resyncing}`}
          confirmLabel="Resync everything"
          onCancel={() => setResyncing(null)}
          onConfirm={() => {
            const model = resyncing;
            setResyncing(null);
            void act(() => requestSync(id, { models: [model], mode: 'full' }), () => `Full resync of ${model} requested.`, `Could not resync ${model}`);
          }}
        >
          <p>
            Every {resyncing} record is read again; those the provider no longer has are marked deleted.
          </p>
        </ConfirmDialog>
      )}
      {editing && <EditModel connection={connection} model={editing} act={act} onClose={() => setEditing(null)} />}
    </section>
  );
}

/** Frequency and this connection's extra fields of one model; the API's field errors appear under their inputs. */
function EditModel({ connection, model, act, onClose }: { connection: ConnectionView; model: string; act: Act; onClose(): void }) {
  const sync = connection.syncs[model];
  const [frequency, setFrequency] = useState(sync.frequency);
  const [fields, setFields] = useState((connection.fields[model] ?? []).join(', '));
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const frequencyError = error?.fieldMessage(`syncs.${model}.frequency`);
  const fieldsError = error?.fieldMessage(`fields.${model}`);

  async function save() {
    setBusy(true);
    setError(null);
    const names = fields
      .split(/[\s,]+/)
      .map((name) => name.trim())
      .filter(Boolean);
    // Only what changed is sent: naming unchanged fields again is harmless, but a request should say what it means.
    const fieldsChanged = names.join() !== (connection.fields[model] ?? []).join();
    const frequencyChanged = frequency !== sync.frequency;
    if (!fieldsChanged && !frequencyChanged) return onClose();
    try {
      await updateConnection(connection.connectionId, {
        ...(frequencyChanged ? { syncs: { [model]: { frequency } } } : {}),
        ...(fieldsChanged ? { fields: { [model]: names } } : {}),
      });
      await act(async () => true, () => `${model} now syncs every ${frequency}${names.length ? ` with ${names.join(', ')}` : ''}.`, '');
      onClose();
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'internal', String(failure)));
      setBusy(false);
    }
  }

  return (
    <ConfirmDialog title={`Edit ${model}`} confirmLabel="Save" busy={busy} onCancel={onClose} onConfirm={() => void save()}>
      {error && !frequencyError && !fieldsError && (
        <p class="field-error" role="alert">
          {error.message}
        </p>
      )}
      <label for="edit-frequency">Sync every</label>
      <input
        id="edit-frequency"
        type="text"
        value={frequency}
        onInput={(event) => setFrequency(event.currentTarget.value)}
        aria-invalid={frequencyError ? 'true' : undefined}
        aria-describedby="edit-frequency-help"
      />
      <p id="edit-frequency-help" class={frequencyError ? 'field-error' : 'note'} role={frequencyError ? 'alert' : undefined}>
        {frequencyError ?? 'A duration such as 30s, 5m, 1h or 1d.'}
      </p>
      <label for="edit-fields">Extra fields of this connection</label>
      <input
        id="edit-fields"
        type="text"
        value={fields}
        onInput={(event) => setFields(event.currentTarget.value)}
        aria-invalid={fieldsError ? 'true' : undefined}
        aria-describedby="edit-fields-help"
        spellcheck={false}
      />
      <p id="edit-fields-help" class={fieldsError ? 'field-error' : 'note'} role={fieldsError ? 'alert' : undefined}>
        {fieldsError ?? 'Comma-separated, like Tier__c, Region__c; * for every readable field. Adding one backfills with one full resync.'}
      </p>
    </ConfirmDialog>
  );
}
