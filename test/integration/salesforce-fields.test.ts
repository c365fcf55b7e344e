// The fields a customer's org really has: field-level security hiding standard fields, custom fields added to the
// integration and backfilled once, a hidden required field failing the run with a clear reason, and the run's log.
import { storedLiveRecords, waitForRunAfter } from '../support/assertions';
import { startTestStack, type TestStack } from '../support/test-stack';

describe('Salesforce fields the org really has', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startTestStack({ name: 'sf-fields', sandbox: { hiddenFields: { Contact: ['Email', 'Birthdate'] } } });
    stack.sandbox.seed('Contact', 300);
  });
  afterAll(() => stack?.close());

  let firstRunId: string;

  it('syncs everything else of an org that hides two standard fields, and reports them on the run', async () => {
    stack.sandbox.resetStats();
    expect((await stack.connectSalesforce('hidden', { contacts: { frequency: '1h' } })).status).toBe(201);
    const run = await waitForRunAfter(stack, 'hidden', 'contacts', null);
    firstRunId = run.runId;
    expect(run).toMatchObject({ status: 'succeeded', added: 300, missingFields: ['Email', 'Birthdate'] });

    const stored = await storedLiveRecords(stack, 'hidden', 'contacts');
    expect(stored.size).toBe(300);
    for (const truth of stack.sandbox.records('Contact')) {
      const mine = stored.get(truth.Id);
      expect(mine).toMatchObject({ LastName: truth.LastName, Title: truth.Title, MailingCity: truth.MailingCity });
      expect(mine).not.toHaveProperty('Email');
      expect(mine).not.toHaveProperty('Birthdate');
    }
    // The describe call goes through the connection's client and counts toward its API usage.
    expect(stack.sandbox.stats().requests.describe).toBe(1);

    const detail = await stack.api('GET', `/connections/hidden/runs/${encodeURIComponent(run.runId)}`);
    expect(detail.status).toBe(200);
    expect(detail.body.log.map((entry: { kind: string }) => entry.kind)).toEqual(expect.arrayContaining(['fields', 'page']));
    expect(detail.body.log.find((entry: { kind: string }) => entry.kind === 'fields').message).toMatch(/Email, Birthdate/);
  });

  it('backfills custom fields added to the integration with one full resync, then announces nothing unchanged', async () => {
    const patched = await stack.api('PATCH', '/integrations/salesforce-sandbox', { fields: { contacts: ['Tier__c', 'Region__c'] } });
    expect(patched.status).toBe(200);
    expect(patched.body.fields).toEqual({ contacts: ['Tier__c', 'Region__c'] });
    expect(JSON.stringify(patched.body)).not.toMatch(/sandbox-client-secret/);

    expect((await stack.api('POST', '/connections/hidden/sync', { models: ['contacts'] })).status).toBe(202);
    const backfill = await waitForRunAfter(stack, 'hidden', 'contacts', firstRunId);
    const withCustomValues = stack.sandbox.records('Contact').filter((r) => r.Tier__c !== null || r.Region__c !== null).length;
    expect(backfill).toMatchObject({ status: 'succeeded', mode: 'full', added: 0, deleted: 0, updated: withCustomValues });
    expect(backfill.fullReason).toMatch(/^fields added: Region__c, Tier__c$/);
    const stored = await storedLiveRecords(stack, 'hidden', 'contacts');
    for (const truth of stack.sandbox.records('Contact')) {
      expect(stored.get(truth.Id)).toMatchObject({ Tier__c: truth.Tier__c, Region__c: truth.Region__c });
    }

    expect((await stack.api('POST', '/connections/hidden/sync', { models: ['contacts'] })).status).toBe(202);
    const next = await waitForRunAfter(stack, 'hidden', 'contacts', backfill.runId);
    expect(next).toMatchObject({ status: 'succeeded', mode: 'incremental', added: 0, updated: 0, deleted: 0, fullReason: null });
  });

  it('fails a run with a clear reason when the org starts hiding a required field, refreshing what it knew', async () => {
    const before = (await stack.api('GET', '/connections/hidden')).body.syncs.contacts.lastRun.runId;
    // The worker still has the old field list: the query fails with INVALID_FIELD, the list is fetched again.
    stack.sandbox.setOptions({ hiddenFields: { Contact: ['Email', 'Birthdate', 'LastName'] } });
    expect((await stack.api('POST', '/connections/hidden/sync', { models: ['contacts'] })).status).toBe(202);
    const failed = await waitForRunAfter(stack, 'hidden', 'contacts', before);
    expect(failed.status).toBe('failed');
    expect(failed.error.message).toMatch(/required field\(s\) LastName/);
    stack.sandbox.setOptions({ hiddenFields: { Contact: ['Email', 'Birthdate'] } });
  });

  it('refuses to delete an integration that connections use, and to add fields to a model the provider lacks', async () => {
    const refused = await stack.api('DELETE', '/integrations/salesforce-sandbox');
    expect(refused.status).toBe(409);
    // A 409, not a 400: the body is well formed and conflicts with what the integration's provider has (issue 25).
    const unknownModel = await stack.api('PATCH', '/integrations/salesforce-sandbox', { fields: { leads: ['Tier__c'] } });
    expect(unknownModel.status).toBe(409);
    expect(JSON.stringify(unknownModel.body)).toMatch(/body\.fields\.leads/);
    expect((await stack.api('GET', '/integrations/salesforce-sandbox')).body.fields).toEqual({ contacts: ['Tier__c', 'Region__c'] });
  });
});
