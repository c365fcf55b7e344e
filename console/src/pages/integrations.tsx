// Integrations: every provider app with its connection count, the OAuth callback URL to register (copy button), the
// provider-webhook URL to configure (admins only: it contains a secret), and create/edit forms for admins.
import { useState } from 'preact/hooks';
import { getIntegration, listIntegrations } from '../api/endpoints';
import { withQuery } from '../api/http';
import type { IntegrationRow } from '../api/types';
import { CopyField } from '../components/copy-button';
import { formatCount, formatTime } from '../components/format';
import { Notice, useNotice } from '../components/notice';
import { PageHeading } from '../components/page-heading';
import { Empty, LoadError, Loading } from '../components/states';
import { useApi } from '../components/use-api';
import { useSession } from '../session';
import { IntegrationForm } from './integrations/integration-form';

export function IntegrationsPage() {
  const { canAct } = useSession();
  const list = useApi(() => listIntegrations(), []);
  const [editing, setEditing] = useState<IntegrationRow | 'new' | null>(null);
  const { notice, setNotice } = useNotice();
  // The API names it on each integration; before the first one it is this origin's (a change the console makes is
  // refused from any other origin than TRIBUTARY_PUBLIC_URL's, so the console runs there).
  const callbackUrl = list.data ? (list.data.integrations[0]?.callbackUrl ?? `${location.origin}/oauth/callback`) : undefined;

  return (
    <>
      <PageHeading title="Integrations" />
      <Notice notice={notice} />
      {callbackUrl && (
        <section aria-labelledby="callback" class="card">
          <h2 id="callback">OAuth callback URL</h2>
          <CopyField id="callback-url" label="Register this as the callback (redirect) URL of each provider app" value={callbackUrl} />
        </section>
      )}
      {canAct && editing === null && (
        <p>
          <button type="button" onClick={() => setEditing('new')}>
            New integration
          </button>
        </p>
      )}
      {editing !== null && (
        <IntegrationForm
          key={editing === 'new' ? 'new' : editing.key}
          existing={editing === 'new' ? null : editing}
          onCancel={() => setEditing(null)}
          onSaved={(saved) => {
            setNotice({ tone: 'ok', text: `Integration ${saved.key} saved.` });
            setEditing(null);
            list.reload();
          }}
        />
      )}
      {list.error && <LoadError what="integrations" error={list.error} onRetry={list.reload} />}
      {!list.data && list.loading && <Loading what="integrations" />}
      {list.data && list.data.integrations.length === 0 && <Empty>No integration yet: register a provider's OAuth app to connect customer accounts.</Empty>}
      {list.data?.integrations.map((integration) => (
        <IntegrationCard key={integration.key} integration={integration} canAct={canAct} onEdit={() => setEditing(integration)} />
      ))}
    </>
  );
}

function IntegrationCard({ integration, canAct, onEdit }: { integration: IntegrationRow; canAct: boolean; onEdit(): void }) {
  const detail = useApi(() => getIntegration(integration.key), [integration.key, integration.updatedAt]);
  const webhook = detail.data?.providerWebhook;
  const headingId = `integration-${integration.key}`;
  return (
    <section class="card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {integration.key} <span class="muted">({integration.provider})</span>
      </h2>
      <dl class="facts">
        <dt>Connections</dt>
        <dd>
          <a href={withQuery('/console/connections', { integration: integration.key })}>{formatCount(integration.connectionCount)}</a>
        </dd>
        <dt>Client id</dt>
        <dd class="mono">{integration.clientId}</dd>
        <dt>Scopes</dt>
        <dd>{integration.scopes.length > 0 ? integration.scopes.join(' ') : <span class="muted">the provider's defaults</span>}</dd>
        <dt>Authorization URL</dt>
        <dd class="mono">{integration.authorizationUrl}</dd>
        <dt>Token URL</dt>
        <dd class="mono">{integration.tokenUrl}</dd>
        <dt>API base URL</dt>
        <dd class="mono">{integration.apiBaseUrl ?? <span class="muted">each connection's own host</span>}</dd>
        {Object.keys(integration.fields).length > 0 && (
          <>
            <dt>Extra fields</dt>
            <dd>
              {Object.entries(integration.fields)
                .map(([model, names]) => `${model}: ${names.join(', ')}`)
                .join('; ')}
            </dd>
          </>
        )}
        <dt>Updated</dt>
        <dd>{formatTime(integration.updatedAt)}</dd>
      </dl>
      {detail.data && webhook === null && <p class="note">This provider sends no change notifications.</p>}
      {webhook && webhook.url && <CopyField id={`${headingId}-webhook`} label="Provider-webhook URL to configure at the provider (it contains a secret)" value={webhook.url} />}
      {webhook && !webhook.url && (
        <p class="note">{canAct ? 'No provider-webhook URL yet: rotate the webhook URL to create one.' : 'The provider-webhook URL contains a secret: only admins see it.'}</p>
      )}
      {detail.error && <LoadError what="the provider-webhook URL" error={detail.error} onRetry={detail.reload} />}
      {canAct && (
        <button type="button" class="secondary" onClick={onEdit}>
          Edit {integration.key}
        </button>
      )}
    </section>
  );
}
