// Create or edit an integration (a provider's OAuth app): the API's 400 names each bad field (a URL outside the
// provider's hosts, a bad key) and the message appears under that field's input.
import { useEffect, useRef, useState } from 'preact/hooks';
import { createIntegration, updateIntegration } from '../../api/endpoints';
import { ApiError } from '../../api/http';
import { catalogProviders } from '../../api/providers';
import type { IntegrationDetail, IntegrationRow } from '../../api/types';
import { useApi } from '../../components/use-api';

interface Values {
  key: string;
  provider: string;
  clientId: string;
  clientSecret: string;
  scopes: string;
  authorizationUrl: string;
  tokenUrl: string;
  apiBaseUrl: string;
}

const splitScopes = (text: string) => text.split(/[\s,]+/).filter(Boolean);

export function IntegrationForm({ existing, onSaved, onCancel }: { existing: IntegrationRow | null; onSaved(saved: IntegrationDetail): void; onCancel(): void }) {
  const [values, setValues] = useState<Values>({
    key: existing?.key ?? '',
    provider: existing?.provider ?? '',
    clientId: existing?.clientId ?? '',
    clientSecret: '',
    scopes: existing?.scopes.join(' ') ?? '',
    authorizationUrl: existing?.authorizationUrl ?? '',
    tokenUrl: existing?.tokenUrl ?? '',
    apiBaseUrl: existing?.apiBaseUrl ?? '',
  });
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const providers = useApi(() => catalogProviders(), []);
  const providerChoices = providers.data ?? [];
  // The first provider is chosen once the list is known, as a select would show it.
  if (!existing && values.provider === '' && providerChoices.length > 0) setValues({ ...values, provider: providerChoices[0] });
  const prefix = existing ? `edit-${existing.key}` : 'create';
  const form = useRef<HTMLFormElement>(null);
  // Keyboard and screen-reader users land on the first field the API refused, with its message read out.
  useEffect(() => {
    if (error) form.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus();
  }, [error]);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const saved = existing ? await updateIntegration(existing.key, changes(existing, values)) : await createIntegration(creation(values));
      onSaved(saved);
    } catch (failure) {
      setError(failure instanceof ApiError ? failure : new ApiError(0, 'internal', String(failure)));
      setBusy(false);
    }
  }

  const field = (name: keyof Values, label: string, options: { type?: 'text' | 'password' | 'url'; help?: string; required?: boolean } = {}) => {
    const id = `${prefix}-${name}`;
    const problem = error?.fieldMessage(name);
    return (
      <div class="form-field">
        <label for={id}>{label}</label>
        <input
          id={id}
          // Preact's input types are a union by `type`; all three take the same attributes used here.
          type={(options.type ?? 'text') as 'text'}
          value={values[name]}
          required={options.required}
          spellcheck={false}
          autoComplete="off"
          onInput={(event) => setValues({ ...values, [name]: event.currentTarget.value })}
          aria-invalid={problem ? 'true' : undefined}
          aria-describedby={problem || options.help ? `${id}-help` : undefined}
        />
        {(problem || options.help) && (
          <p id={`${id}-help`} class={problem ? 'field-error' : 'note'}>
            {problem ?? options.help}
          </p>
        )}
      </div>
    );
  };

  const unplaced = error && error.fields.filter((f) => !(Object.keys(values) as (keyof Values)[]).some((name) => error.fieldMessage(name) === f.message));
  return (
    <form ref={form} class="card integration-form" onSubmit={(event) => void submit(event)} aria-label={existing ? `Edit integration ${existing.key}` : 'Create an integration'} noValidate>
      <h2>{existing ? `Edit ${existing.key}` : 'New integration'}</h2>
      {error && (
        <p class="field-error" role="alert">
          {error.fields.length > 0 ? `Please correct ${error.fields.length === 1 ? 'the field' : 'the fields'} below.` : error.message}
          {unplaced && unplaced.length > 0 && ` ${unplaced.map((f) => `${f.field}: ${f.message}`).join('; ')}`}
        </p>
      )}
      {!existing && field('key', 'Key', { required: true, help: 'How connections name it, like salesforce-prod.' })}
      {!existing &&
        (!providers.error ? (
          <div class="form-field">
            <label for={`${prefix}-provider`}>Provider</label>
            <select id={`${prefix}-provider`} value={values.provider} disabled={providerChoices.length === 0} onChange={(event) => setValues({ ...values, provider: event.currentTarget.value })}>
              {providerChoices.length === 0 && <option value="">Loading providers…</option>}
              {providerChoices.map((provider) => (
                <option key={provider} value={provider}>
                  {provider}
                </option>
              ))}
            </select>
          </div>
        ) : (
          // The document could not be read: the provider's key typed, which the API checks.
          field('provider', 'Provider', { required: true, help: 'The provider key, like salesforce or hubspot.' })
        ))}
      {field('clientId', 'Client id', { required: !existing })}
      {field('clientSecret', existing ? 'New client secret' : 'Client secret', {
        type: 'password',
        required: !existing,
        help: existing ? 'Leave empty to keep the current one. Stored encrypted, never shown again.' : 'Stored encrypted, never shown again.',
      })}
      {field('scopes', 'Scopes', { help: "Space-separated; empty for the provider's defaults." })}
      {field('authorizationUrl', 'Authorization URL', { type: 'url', help: "Empty for the provider's default; must be one of the provider's hosts." })}
      {field('tokenUrl', 'Token URL', { type: 'url', help: "Empty for the provider's default; must be one of the provider's hosts." })}
      {field('apiBaseUrl', 'API base URL', { type: 'url', help: "Empty for the provider's (or each connection's own) host." })}
      <div class="form-buttons">
        <button type="submit" disabled={busy}>
          {busy ? 'Saving…' : existing ? 'Save changes' : 'Create integration'}
        </button>
        <button type="button" class="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function creation(values: Values) {
  return {
    key: values.key.trim(),
    provider: values.provider.trim(),
    clientId: values.clientId.trim(),
    clientSecret: values.clientSecret,
    ...(values.scopes.trim() ? { scopes: splitScopes(values.scopes) } : {}),
    ...(values.authorizationUrl.trim() ? { authorizationUrl: values.authorizationUrl.trim() } : {}),
    ...(values.tokenUrl.trim() ? { tokenUrl: values.tokenUrl.trim() } : {}),
    ...(values.apiBaseUrl.trim() ? { apiBaseUrl: values.apiBaseUrl.trim() } : {}),
  };
}

/** Only what changed: a PATCH names what it means to change (an empty API base URL goes back to the provider's). */
function changes(existing: IntegrationRow, values: Values) {
  const scopes = splitScopes(values.scopes);
  return {
    ...(values.clientId.trim() !== existing.clientId ? { clientId: values.clientId.trim() } : {}),
    ...(values.clientSecret ? { clientSecret: values.clientSecret } : {}),
    ...(scopes.join(' ') !== existing.scopes.join(' ') ? { scopes } : {}),
    ...(values.authorizationUrl.trim() && values.authorizationUrl.trim() !== existing.authorizationUrl ? { authorizationUrl: values.authorizationUrl.trim() } : {}),
    ...(values.tokenUrl.trim() && values.tokenUrl.trim() !== existing.tokenUrl ? { tokenUrl: values.tokenUrl.trim() } : {}),
    ...(values.apiBaseUrl.trim() !== (existing.apiBaseUrl ?? '') ? { apiBaseUrl: values.apiBaseUrl.trim() || null } : {}),
  };
}
