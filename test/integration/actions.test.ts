// Actions on the real stack: each built-in writes once per Idempotency-Key, answers its output, refuses bad input (400),
// provider refusals (422) and auth_error connections (409), announces itself by webhook, and its write shows up once
// in the next sync.
import { readWholeFeed, waitForRunAfter } from '../support/assertions';
import { eventually } from '../support/eventually';
import { startHubSpotStack, type HubSpotStack } from '../support/hubspot-stack';
import { actionIdOf } from '../../api/use-cases/actions';

describe('actions', () => {
  let stack: HubSpotStack;
  beforeAll(async () => {
    stack = await startHubSpotStack({ name: 'actions' });
    stack.sandbox.seed('Contact', 3);
    stack.hubspot.seed('contacts', 3);
    expect((await stack.connectSalesforce('sf', { contacts: { frequency: '1h' }, accounts: { frequency: '1h' } })).status).toBe(201);
    expect((await stack.connectHubSpot('hs', { contacts: { frequency: '1h' } })).status).toBe(201);
    await waitForRunAfter(stack, 'sf', 'contacts', null);
    await waitForRunAfter(stack, 'hs', 'contacts', null);
  });
  afterAll(() => stack?.close());

  const act = (connectionId: string, name: string, body: unknown, key?: string) =>
    stack.api('POST', `/connections/${connectionId}/actions/${name}`, body, key ? { 'idempotency-key': key } : {});

  it('creates a Salesforce contact once per key, and the next sync adds it exactly once', async () => {
    const before = (await stack.api('GET', '/connections/sf')).body.syncs.contacts.lastRun.runId;
    const first = await act('sf', 'create-contact', { lastName: 'Written', email: 'written@example.com' }, 'key-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'succeeded', action: 'create-contact', output: { id: expect.stringMatching(/^003/) } });
    const again = await act('sf', 'create-contact', { lastName: 'Written', email: 'written@example.com' }, 'key-1');
    expect(again.status).toBe(200);
    expect(again.body.output).toEqual(first.body.output);
    expect(again.body.actionId).toBe(first.body.actionId);
    expect(stack.sandbox.records('Contact').filter((c) => c.LastName === 'Written')).toHaveLength(1);
    expect((await stack.api('GET', `/connections/sf/actions/${first.body.actionId}`)).body.output).toEqual(first.body.output);

    expect((await stack.api('POST', '/connections/sf/sync', { models: ['contacts'] })).status).toBe(202);
    await waitForRunAfter(stack, 'sf', 'contacts', before);
    const written = (await readWholeFeed(stack, 'sf', 'contacts', undefined, 500)).filter((r) => r.id === first.body.output.id);
    expect(written.map((r) => r.action)).toEqual(['added']);

    const announced = await eventually(() => stack.receiver.received.find((w) => w.event.type === 'action' && w.event.actionId === first.body.actionId));
    expect(announced.event).toMatchObject({ status: 'succeeded', output: first.body.output });
    expect(announced.signatureValid).toBe(true);
  });

  it('updates a Salesforce contact and creates an account', async () => {
    const [contact] = stack.sandbox.records('Contact');
    const updated = await act('sf', 'update-contact', { id: contact.Id, title: 'Updated by action' }, 'key-2');
    expect(updated.status).toBe(200);
    expect(stack.sandbox.records('Contact').find((c) => c.Id === contact.Id)?.Title).toBe('Updated by action');
    const account = await act('sf', 'create-account', { name: 'Action Corp' }, 'key-3');
    expect(account.status).toBe(200);
    expect(stack.sandbox.records('Account').filter((a) => a.Name === 'Action Corp')).toHaveLength(1);
  });

  it('creates and updates a HubSpot contact; a duplicate email is a 422 with HubSpot\'s message', async () => {
    const created = await act('hs', 'create-contact', { email: 'new@example.com', firstName: 'New' }, 'hs-1');
    expect(created.status).toBe(200);
    const id = created.body.output.id as string;
    expect((await act('hs', 'update-contact', { id, jobTitle: 'CTO' }, 'hs-2')).status).toBe(200);
    expect(stack.hubspot.records('contacts').find((c) => c.id === id)?.properties.jobtitle).toBe('CTO');
    const duplicate = await act('hs', 'create-contact', { email: 'new@example.com' }, 'hs-3');
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.error).toMatchObject({ code: 'provider_refused', message: expect.stringContaining('Contact already exists') });
  });

  it('after an attempt that died between writing and storing the answer, finds the write instead of writing again', async () => {
    // What a worker SIGKILLed mid-action leaves: the action marked "write started", the contact written at Salesforce.
    const input = { lastName: 'Crashed', email: 'crashed@example.com' };
    const actionId = actionIdOf('sf', 'crash-1');
    await stack.store.actions.createOrFind({ _id: actionId, connectionId: 'sf', name: 'create-contact', idempotencyKey: 'crash-1', input });
    await stack.store.actions.markWriteStarted(actionId, new Date(Date.now() - 2000));
    const written = stack.sandbox.create('Contact', { LastName: 'Crashed', Email: 'crashed@example.com' });

    const retried = await act('sf', 'create-contact', input, 'crash-1');
    expect(retried.status).toBe(200);
    expect(retried.body.output).toEqual({ id: written.Id });
    expect(stack.sandbox.records('Contact').filter((c) => c.Email === 'crashed@example.com')).toHaveLength(1);
  });

  describe('a HubSpot create whose answer was lost, while the search index trails', () => {
    // HubSpot's search shows a new contact seconds late, so the retry's check-before-write can miss the contact the lost
    // attempt made; HubSpot then refuses the write by its email, naming the contact that has it.
    beforeAll(() => stack.hubspot.setOptions({ searchIndexLagMs: 60_000 }));
    afterAll(() => stack.hubspot.setOptions({ searchIndexLagMs: 0 }));

    /** What a worker SIGKILLed mid-create leaves: the action marked "write started" at `markedAt`. */
    const interrupted = async (key: string, input: { email: string; firstName?: string }, markedAt: Date) => {
      const actionId = actionIdOf('hs', key);
      await stack.store.actions.createOrFind({ _id: actionId, connectionId: 'hs', incarnation: null, name: 'create-contact', idempotencyKey: key, input });
      await stack.store.actions.markWriteStarted(actionId, markedAt);
    };

    it('takes the contact the refusal names when it was created after the earlier attempt marked its write', async () => {
      const input = { email: 'lost-answer@example.com', firstName: 'Lost' };
      await interrupted('lost-1', input, new Date(Date.now() - 2000));
      const written = stack.hubspot.create('contacts', { email: input.email, firstname: 'Lost' });

      const retried = await act('hs', 'create-contact', input, 'lost-1');
      expect([retried.status, retried.body.status, retried.body.output]).toEqual([200, 'succeeded', { id: written.id }]);
      expect(stack.hubspot.records('contacts').filter((c) => c.properties.email === input.email)).toHaveLength(1);
    });

    it('still refuses (422) when the contact with that email existed before the earlier attempt', async () => {
      // A seeded contact: created long before any attempt of this action.
      const existing = stack.hubspot.records('contacts').find((c) => c.properties.email)!;
      const input = { email: existing.properties.email! };
      await interrupted('lost-2', input, new Date(Date.now() - 2000));
      const refused = await act('hs', 'create-contact', input, 'lost-2');
      expect([refused.status, refused.body.error?.code]).toEqual([422, 'provider_refused']);
      expect(refused.body.error.message).toContain(`Existing ID: ${existing.id}`);
    });
  });

  it('refuses bad input naming the field, a missing key, a reused key with other input, and auth_error connections', async () => {
    const bad = await act('sf', 'create-contact', { email: 'not-an-email' }, 'bad-1');
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { field: string }) => f.field)).toEqual(expect.arrayContaining(['body.lastName', 'body.email']));
    const noKey = await act('sf', 'create-contact', { lastName: 'X' });
    expect(noKey.status).toBe(400);
    expect(noKey.body.error.fields[0].field).toBe('headers.idempotency-key');
    expect((await act('sf', 'create-contact', { lastName: 'Other' }, 'key-1')).status).toBe(409);
    await stack.store.connections.setStatus('hs', 'auth_error', 'refresh token revoked');
    const parked = await act('hs', 'create-contact', { email: 'parked@example.com' }, 'hs-4');
    expect(parked.status).toBe(409);
    expect(parked.body.error.message).toMatch(/auth_error/);
    await stack.store.connections.setStatus('hs', 'active', null);
  });
});
