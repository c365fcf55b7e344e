// The connection's metadata (free JSON the app keeps with it) as text, and for admins a JSON editor whose mistakes
// (not JSON, or what the API refuses) are shown under it.
import { useState } from 'preact/hooks';
import { updateConnection } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import type { ConnectionView } from '../../api/types';
import { JsonView } from '../../components/json-view';
import type { Act } from '../../components/notice';
import { Empty } from '../../components/states';

export function MetadataSection({ connection, canAct, act }: { connection: ConnectionView; canAct: boolean; act: Act }) {
  const [editing, setEditing] = useState(false);
  return (
    <section aria-labelledby="metadata">
      <h2 id="metadata">Metadata</h2>
      {editing ? (
        <MetadataEditor connection={connection} act={act} onClose={() => setEditing(false)} />
      ) : (
        <>
          {connection.metadata === null || Object.keys(connection.metadata).length === 0 ? (
            <Empty>No metadata.</Empty>
          ) : (
            <JsonView value={connection.metadata} label="Metadata" />
          )}
          {canAct && (
            <button type="button" class="secondary" onClick={() => setEditing(true)}>
              Edit metadata
            </button>
          )}
        </>
      )}
    </section>
  );
}

function MetadataEditor({ connection, act, onClose }: { connection: ConnectionView; act: Act; onClose(): void }) {
  const [text, setText] = useState(JSON.stringify(connection.metadata ?? {}, null, 2));
  const [problem, setProblem] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function save(event: Event) {
    event.preventDefault();
    let metadata: unknown;
    try {
      metadata = text.trim() === '' ? null : JSON.parse(text);
    } catch (failure) {
      setProblem(`Not valid JSON: ${failure instanceof Error ? failure.message : String(failure)}`);
      return;
    }
    if (metadata !== null && (typeof metadata !== 'object' || Array.isArray(metadata))) {
      setProblem('Metadata must be a JSON object, like {"plan": "enterprise"}, or empty to remove it.');
      return;
    }
    setBusy(true);
    setProblem(null);
    try {
      await updateConnection(connection.connectionId, { metadata: metadata as Record<string, never> | null });
      await act(async () => true, () => 'Metadata saved.', '');
      onClose();
    } catch (failure) {
      const apiError = failure instanceof ApiError ? failure : null;
      const detail = apiError?.fields.map((f) => `${f.field.replace(/^body\./, '')}: ${f.message}`).join('; ');
      setProblem(detail || (apiError?.message ?? String(failure)));
      setBusy(false);
    }
  }

  return (
    <form onSubmit={(event) => void save(event)} aria-label="Edit metadata">
      <label for="metadata-json">Metadata (JSON object)</label>
      <textarea
        id="metadata-json"
        rows={8}
        spellcheck={false}
        value={text}
        onInput={(event) => setText(event.currentTarget.value)}
        aria-invalid={problem ? 'true' : undefined}
        aria-describedby={problem ? 'metadata-problem' : undefined}
      />
      {problem && (
        <p id="metadata-problem" class="field-error" role="alert">
          {problem}
        </p>
      )}
      <div class="form-buttons">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : 'Save metadata'}
        </button>
        <button type="button" class="secondary" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
