// Pipedrive webhook deliveries (v2): the change each announces, deletes by record id, and the HTTP Basic credentials
// that are their only proof, refused without naming the secret.
import { pipedriveWebhooks } from '../../../providers/pipedrive/webhooks';
import type { WebhookDelivery } from '../../../providers/provider-webhooks';

const event = (meta: Record<string, unknown>, data: unknown = { id: 5 }) =>
  Buffer.from(
    JSON.stringify({
      meta: { action: 'change', entity: 'person', entity_id: '5', id: 'b2c4e6f8-0000-4000-8000-000000000001', company_id: '1234567', version: '2.0', attempt: 1, ...meta },
      data,
      previous: null,
    }),
  );

const delivery = (authorization?: string): WebhookDelivery => ({
  method: 'POST',
  uri: 'https://tributary.example.com/provider-webhooks/pd',
  rawBody: event({}),
  header: (name) => (name.toLowerCase() === 'authorization' ? authorization : undefined),
});
const basic = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

describe('Pipedrive webhook deliveries', () => {
  it('reads a change as a notice for its company and entity, keyed by the event id that retries repeat', () => {
    const first = pipedriveWebhooks.parse(event({ attempt: 1 }));
    expect(first).toEqual([{ account: '1234567', objectType: 'person', notificationId: '1234567:b2c4e6f8-0000-4000-8000-000000000001' }]);
    expect(pipedriveWebhooks.parse(event({ attempt: 3 }))).toEqual(first);
    expect(pipedriveWebhooks.modelsByObjectType[first[0].objectType]).toBe('persons');
  });

  it('carries the id of a deleted record, numeric ids read whether sent as text or numbers', () => {
    const [notice] = pipedriveWebhooks.parse(event({ action: 'delete', entity: 'organization', entity_id: 77, company_id: 1234567, merged_to_id: '78' }, null));
    expect(notice).toMatchObject({ account: '1234567', objectType: 'organization', deletedId: '77' });
  });

  it('refuses what is not a v2 event, naming the field', () => {
    expect(() => pipedriveWebhooks.parse(Buffer.from('{"meta":'))).toThrow(/body.*not valid JSON/);
    expect(() => pipedriveWebhooks.parse(event({ entity_id: 'x1' }))).toThrow(/body\.meta\.entity_id/);
    expect(() => pipedriveWebhooks.parse(event({ version: '1.0' }))).toThrow(/body\.meta\.version.*2\.0/);
    expect(() => pipedriveWebhooks.parse(Buffer.from(JSON.stringify({ v: 1, event: 'updated.person', current: {} })))).toThrow(/body\.meta/);
  });

  it('accepts the registered user and either secret of a rotation, and refuses anything else without naming a secret', () => {
    const { authentication } = pipedriveWebhooks;
    if (authentication.by !== 'webhook-secret') throw new Error('Pipedrive webhooks carry the integration\'s secret');
    expect(authentication.presentedAs).toEqual({ kind: 'http-basic', username: 'tributary' });
    const secrets = ['current-secret', 'previous-secret'];
    expect(authentication.authenticate(delivery(basic('tributary', 'current-secret')), secrets)).toBeNull();
    expect(authentication.authenticate(delivery(basic('tributary', 'previous-secret')), secrets)).toBeNull();
    const refusals = [
      authentication.authenticate(delivery(), secrets),
      authentication.authenticate(delivery('Bearer current-secret'), secrets),
      authentication.authenticate(delivery(basic('someone', 'current-secret')), secrets),
      authentication.authenticate(delivery(basic('tributary', 'current-secre')), secrets),
      authentication.authenticate(delivery(basic('tributary', '')), secrets),
    ];
    for (const problem of refusals) {
      expect(problem).toEqual(expect.any(String));
      expect(problem).not.toMatch(/secret/i);
    }
  });
});
