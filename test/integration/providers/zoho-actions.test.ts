// Zoho CRM's built-in actions on the real stack: create-contact writes once per Idempotency-Key and shows up once in
// the next sync, update-contact updates, Zoho's refusals are 422s in its words, and a create whose answer was lost is
// found by the retry in the live listing (not the search index, which trails writes) instead of written twice.
import { actionIdOf } from '../../../api/use-cases/actions';
import type { ZohoOrgHandle } from '../../../sandbox/zoho/server';
import { readWholeFeed, waitForRunAfter } from '../../support/assertions';
import { startZohoStack, type ZohoStack } from '../../support/zoho-stack';

describe('Zoho CRM actions', () => {
  let stack: ZohoStack;
  let org: ZohoOrgHandle;
  beforeAll(async () => {
    // The search index trails writes by ten minutes: a check-before-write that searched would never see its contact.
    stack = await startZohoStack({ name: 'zoho-actions', zoho: { searchIndexLagMs: 600_000 } });
    org = stack.zoho.org('nordlicht');
    org.seed('Contacts', 5);
    org.seed('Accounts', 2);
    expect((await stack.connectZoho('eu', { org: 'nordlicht', syncs: { contacts: { frequency: '1h' } } })).status).toBe(201);
    await waitForRunAfter(stack, 'eu', 'contacts', null);
  });
  afterAll(() => stack?.close());

  const act = (name: string, body: unknown, key: string) => stack.api('POST', `/connections/eu/actions/${name}`, body, { 'idempotency-key': key });
  const contactsNamed = (lastName: string) => org.records('Contacts').filter((contact) => contact.Last_Name === lastName);

  it('creates a contact once per key, linked to its account, and the next sync adds it exactly once', async () => {
    const before = (await stack.api('GET', '/connections/eu')).body.syncs.contacts.lastRun.runId;
    const accountId = String(org.records('Accounts')[0].id);
    const input = { lastName: 'Written', firstName: 'Once', email: 'written@nordlicht.example', accountId };
    const first = await act('create-contact', input, 'create-1');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ status: 'succeeded', output: { id: expect.stringMatching(/^\d{19}$/) } });
    const again = await act('create-contact', input, 'create-1');
    expect([again.status, again.body.output, again.body.actionId]).toEqual([200, first.body.output, first.body.actionId]);
    expect(contactsNamed('Written')).toEqual([expect.objectContaining({ id: first.body.output.id, Email: input.email, Account_Name: expect.objectContaining({ id: accountId }) })]);

    expect((await stack.api('POST', '/connections/eu/sync', { models: ['contacts'] })).status).toBe(202);
    await waitForRunAfter(stack, 'eu', 'contacts', before);
    const feed = (await readWholeFeed(stack, 'eu', 'contacts', undefined, 500)).filter((change) => change.id === first.body.output.id);
    expect(feed.map((change) => change.action)).toEqual(['added']);
  });

  it('updates a contact with PUT, answering its id', async () => {
    const id = String(org.records('Contacts')[0].id);
    const updated = await act('update-contact', { id, title: 'Updated by action', mobile: '+49 30 1234' }, 'update-1');
    expect([updated.status, updated.body.output]).toEqual([200, { id }]);
    expect(org.records('Contacts').find((contact) => contact.id === id)).toMatchObject({ Title: 'Updated by action', Mobile: '+49 30 1234' });
  });

  it("refuses in Zoho's words: a duplicate email (Email is unique) and an unknown contact are 422s, bad input a 400", async () => {
    const duplicate = await act('create-contact', { lastName: 'Again', email: 'written@nordlicht.example' }, 'dup-1');
    expect(duplicate.status).toBe(422);
    expect(duplicate.body.error).toMatchObject({ code: 'provider_refused', message: expect.stringContaining('DUPLICATE_DATA') });
    const unknown = await act('update-contact', { id: '1234567890123456789', title: 'Nobody' }, 'unknown-1');
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.message).toMatch(/INVALID_DATA/);
    const bad = await act('create-contact', { firstName: 'No last name' }, 'bad-1');
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.body)).toMatch(/lastName/);
    expect(contactsNamed('Again')).toEqual([]);
  });

  describe('a create whose answer was lost', () => {
    /** What a worker SIGKILLed mid-create leaves: the action marked "write started" at `markedAt` (input as parsed). */
    const interrupted = async (key: string, input: Record<string, string>, markedAt: Date) => {
      const actionId = actionIdOf('eu', key);
      await stack.store.actions.createOrFind({ _id: actionId, connectionId: 'eu', incarnation: null, name: 'create-contact', idempotencyKey: key, input });
      await stack.store.actions.markWriteStarted(actionId, markedAt);
    };

    it('finds the contact the earlier attempt created, by email, instead of writing again', async () => {
      const input = { lastName: 'Lost', email: 'lost-answer@nordlicht.example' };
      await interrupted('lost-1', input, new Date(Date.now() - 2000));
      const written = org.create('Contacts', { Last_Name: 'Lost', Email: input.email });
      const retried = await act('create-contact', input, 'lost-1');
      expect([retried.status, retried.body.output]).toEqual([200, { id: written.id }]);
      expect(contactsNamed('Lost')).toHaveLength(1);
    });

    it('finds it by name when the input has no email', async () => {
      const input = { firstName: 'Lost', lastName: 'Nameonly' };
      await interrupted('lost-2', input, new Date(Date.now() - 2000));
      const written = org.create('Contacts', { Last_Name: 'Nameonly', First_Name: 'Lost' });
      const retried = await act('create-contact', input, 'lost-2');
      expect([retried.status, retried.body.output]).toEqual([200, { id: written.id }]);
      expect(contactsNamed('Nameonly')).toHaveLength(1);
    });

    it('writes once when the earlier attempt never wrote, and does not take a contact made before it', async () => {
      org.create('Contacts', { Last_Name: 'Older', First_Name: 'Namesake' });
      await new Promise((resolve) => setTimeout(resolve, 7_000));
      const input = { firstName: 'Namesake', lastName: 'Older' };
      await interrupted('lost-3', input, new Date());
      const retried = await act('create-contact', input, 'lost-3');
      expect(retried.status).toBe(200);
      const namesakes = contactsNamed('Older');
      expect(namesakes).toHaveLength(2);
      expect(namesakes.map((contact) => contact.id)).toContain(retried.body.output.id);
    });
  });
});
