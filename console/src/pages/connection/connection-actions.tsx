// The connection's own buttons (admins only): sync now, full resync (confirmed), pause/resume, a re-authorisation
// connect link to send the customer, and delete (confirmed by typing the connection id).
import { useLocation } from 'preact-iso/router';
import { useState } from 'preact/hooks';
import { createConnectSession, deleteConnection, requestSync, updateConnection } from '../../api/endpoints';
import type { ConnectionView, ConnectSession } from '../../api/types';
import { CopyField } from '../../components/copy-button';
import { ConfirmDialog } from '../../components/dialog';
import { formatTime } from '../../components/format';
import type { Act } from '../../components/notice';

type Asking = 'full-resync' | 'delete' | null;

export function ConnectionActions({ connection, act }: { connection: ConnectionView; act: Act }) {
  const { route } = useLocation();
  const [asking, setAsking] = useState<Asking>(null);
  const [busy, setBusy] = useState(false);
  const [typedId, setTypedId] = useState('');
  const [connectLink, setConnectLink] = useState<ConnectSession | null>(null);
  const id = connection.connectionId;
  const models = Object.keys(connection.syncs);

  async function run(action: () => Promise<unknown>) {
    setBusy(true);
    await action();
    setBusy(false);
    setAsking(null);
  }

  return (
    <section aria-labelledby="connection-actions" class="actions-bar">
      <h2 id="connection-actions" class="visually-hidden">
        Actions
      </h2>
      <button type="button" disabled={busy} onClick={() => void run(() => act(() => requestSync(id, { mode: 'incremental' }), (r) => `Sync requested for ${r.models.join(', ')}.`, 'Could not request a sync'))}>
        Sync now
      </button>
      <button type="button" class="secondary" disabled={busy} onClick={() => setAsking('full-resync')}>
        Full resync…
      </button>
      <button
        type="button"
        class="secondary"
        disabled={busy}
        onClick={() =>
          void run(() =>
            act(
              () => updateConnection(id, { paused: !connection.paused }),
              (updated) => (updated.paused ? 'Connection paused: no syncs and no token refreshes until resumed.' : 'Connection resumed.'),
              connection.paused ? 'Could not resume' : 'Could not pause',
            ),
          )
        }
      >
        {connection.paused ? 'Resume connection' : 'Pause connection'}
      </button>
      <button
        type="button"
        class="secondary"
        disabled={busy}
        onClick={() => void run(async () => setConnectLink((await act(() => createConnectSession(connection.integration, id), () => 'Re-authorisation link created; it works once, for 15 minutes.', 'Could not create a link')) ?? null))}
      >
        Re-authorisation link
      </button>
      <button type="button" class="danger" disabled={busy} onClick={() => (setTypedId(''), setAsking('delete'))}>
        Delete…
      </button>
      {connectLink && (
        <div class="connect-link">
          <CopyField id="connect-link" label="Send this link to the customer to sign in again" value={connectLink.connectUrl} />
          <p class="note">It carries a one-time token: send it only to the customer. Valid until {formatTime(connectLink.expiresAt)}.</p>
        </div>
      )}
      {asking === 'full-resync' && (
        <ConfirmDialog
          title="Full resync"
          confirmLabel="Resync everything"
          busy={busy}
          onCancel={() => setAsking(null)}
          onConfirm={() => void run(() => act(() => requestSync(id, { mode: 'full' }), (r) => `Full resync requested for ${r.models.join(', ')}.`, 'Could not request a full resync'))}
        >
          <p>
            Every model of <strong>{id}</strong> ({models.join(', ')}) is read again from the start. Records the provider no longer has are marked
            deleted, and the app is told by webhook. It can take a while for a large account.
          </p>
        </ConfirmDialog>
      )}
      {asking === 'delete' && (
        <ConfirmDialog
          title="Delete connection"
          confirmLabel="Delete connection"
          danger
          busy={busy}
          confirmDisabled={typedId !== id}
          onCancel={() => setAsking(null)}
          onConfirm={() =>
            void run(async () => {
              const deleted = await act(() => deleteConnection(id), () => `Connection ${id} deleted.`, 'Could not delete');
              if (deleted) route('/console/connections');
            })
          }
        >
          <p>
            This stops <strong>{id}</strong>'s workflow and removes its records, changes feeds, runs and webhook deliveries. It cannot be undone.
          </p>
          <label for="confirm-delete-id">Type the connection id to confirm</label>
          <input id="confirm-delete-id" type="text" autoFocus autoComplete="off" spellcheck={false} value={typedId} onInput={(event) => setTypedId(event.currentTarget.value)} />
        </ConfirmDialog>
      )}
    </section>
  );
}
