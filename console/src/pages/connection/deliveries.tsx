// The connection's webhook delivery attempts, newest first, with a Redeliver button (admins) on each event's latest.
import { useState } from 'preact/hooks';
import { listWebhookDeliveries, redeliverWebhook } from '../../api/endpoints';
import type { WebhookDelivery } from '../../api/types';
import type { Act } from '../../components/notice';
import { Empty, LoadError, Loading } from '../../components/states';
import { Time } from '../../components/time';
import { useApi } from '../../components/use-api';

const failed = (delivery: WebhookDelivery) => delivery.status === null || delivery.status >= 300;

/** After a redelivery the list is read again every few seconds for a while, until the new attempt shows. */
const FOLLOW_MS = 30_000;
const POLL_MS = 2_000;

export function DeliveriesList({ connectionId, canAct, act }: { connectionId: string; canAct: boolean; act: Act }) {
  const [followUntil, setFollowUntil] = useState(0);
  const deliveries = useApi(() => listWebhookDeliveries(connectionId), [connectionId], { pollMs: POLL_MS, keepPolling: () => Date.now() < followUntil });
  const [sent, setSent] = useState<Set<string>>(new Set());
  const latestOfEvent = new Set<WebhookDelivery>();
  const seen = new Set<string>();
  for (const delivery of deliveries.data?.deliveries ?? []) {
    if (!seen.has(delivery.eventId)) latestOfEvent.add(delivery);
    seen.add(delivery.eventId);
  }

  async function redeliver(delivery: WebhookDelivery) {
    const answer = await act(() => redeliverWebhook(connectionId, delivery.eventId), () => `Redelivering ${delivery.type} ${delivery.eventId}.`, 'Could not redeliver');
    if (answer) {
      setSent(new Set([...sent, delivery.eventId]));
      // The new attempt is recorded once the delivery workflow has sent it.
      setFollowUntil(Date.now() + FOLLOW_MS);
      deliveries.reload();
    }
  }

  return (
    <section aria-labelledby="deliveries-title" id="deliveries">
      <h2 id="deliveries-title">Webhook deliveries</h2>
      {deliveries.error && <LoadError what="webhook deliveries" error={deliveries.error} onRetry={deliveries.reload} />}
      {!deliveries.data && deliveries.loading && <Loading what="webhook deliveries" />}
      {deliveries.data && deliveries.data.deliveries.length === 0 && <Empty>No webhook was delivered for this connection yet.</Empty>}
      {deliveries.data && deliveries.data.deliveries.length > 0 && (
        <div class="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">Event</th>
                <th scope="col">Attempt</th>
                <th scope="col">Answer</th>
                <th scope="col">When</th>
                {canAct && <th scope="col">Action</th>}
              </tr>
            </thead>
            <tbody>
              {deliveries.data.deliveries.map((delivery) => (
                <tr key={`${delivery.eventId}/${delivery.attempt}/${delivery.attemptedAt}`} class={failed(delivery) ? 'row-bad' : undefined}>
                  <th scope="row">
                    {delivery.type}
                    <span class="sub mono">{delivery.eventId}</span>
                  </th>
                  <td>{delivery.attempt}</td>
                  <td class="message">
                    {delivery.status === null ? 'not reached' : `HTTP ${delivery.status}`}
                    {delivery.error ? `: ${delivery.error}` : ''}
                  </td>
                  <td>
                    <Time iso={delivery.attemptedAt} />
                  </td>
                  {canAct && (
                    <td>
                      {latestOfEvent.has(delivery) && (
                        <button type="button" class="small secondary" disabled={sent.has(delivery.eventId)} aria-label={`${sent.has(delivery.eventId) ? 'Sent again' : 'Redeliver'}: ${delivery.type} ${delivery.eventId}`} onClick={() => void redeliver(delivery)}>
                          {sent.has(delivery.eventId) ? 'Sent again' : 'Redeliver'}
                        </button>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
