// A sync that changes under live connections: a release bumps its version and every live connection reads everything
// once at its next run (`mode: "full"` with the reason, in the run and its webhook), then incrementally again; only
// records whose content changed are announced; a connection made after the bump owes nothing. One connection's own
// extra fields backfill that connection alone.
import { z } from 'zod';
import type { SyncWebhookEvent } from '../../contracts/webhook-events';
import { providerCatalog } from '../../providers/catalog';
import { crmObjectSync } from '../../providers/hubspot/crm-object-sync';
import { soqlSync } from '../../providers/salesforce/soql-sync';
import { readWholeFeed, storedLiveRecords, waitForRunAfter } from '../support/assertions';
import { startHubSpotStack, type HubSpotStack } from '../support/hubspot-stack';

const CONTACTS = 120;
const HUBSPOT_CONTACTS = 80;

const person = z.looseObject({ Id: z.string(), LastName: z.string(), SystemModstamp: z.string() });

/**
 * A team's own sync of Salesforce Contacts as `people`, in three releases: 1 reads names and titles, 2 also stores the
 * org's `Tier__c`, 3 maps the tier to upper case (a mapping change that leaves contacts without a tier as they were).
 */
function peopleAt(version: 1 | 2 | 3) {
  const upperTier = person.transform((record) => (typeof record.Tier__c === 'string' ? { ...record, Tier__c: record.Tier__c.toUpperCase() } : record));
  return soqlSync({
    model: 'people',
    object: 'Contact',
    description: 'Contacts, as a team-written sync that changes between releases',
    schema: version === 3 ? upperTier : person,
    defaultFrequency: '1h',
    required: ['LastName'],
    fields: version === 1 ? ['FirstName', 'Title'] : ['FirstName', 'Title', 'Tier__c'],
    version,
  });
}

/** The same in HubSpot: 2 also stores `jobtitle`; 3 only bumps the version, so nothing stored changes. */
function hubspotPeopleAt(version: 1 | 2 | 3) {
  return crmObjectSync({
    model: 'people',
    object: 'contacts',
    description: 'HubSpot contacts, as a team-written sync that changes between releases',
    schema: z.looseObject({ id: z.string(), properties: z.looseObject({ hs_object_id: z.string(), lastmodifieddate: z.string() }) }),
    defaultFrequency: '1h',
    modifiedProperty: 'lastmodifieddate',
    properties: version === 1 ? ['email', 'firstname', 'lastname'] : ['email', 'firstname', 'lastname', 'jobtitle'],
    version,
  });
}

const catalogAt = (version: 1 | 2 | 3) => providerCatalog.withSync('salesforce', peopleAt(version)).withSync('hubspot', hubspotPeopleAt(version));

describe('bumping a sync’s version under live connections', () => {
  let stack: HubSpotStack;
  const lastRun: Record<string, string> = {};

  /** Asks for an ordinary (incremental) run now, and returns it once finished. */
  async function syncNow(connectionId: string) {
    expect((await stack.api('POST', `/connections/${connectionId}/sync`, { models: ['people'] })).status).toBe(202);
    const run = await waitForRunAfter(stack, connectionId, 'people', lastRun[connectionId]);
    lastRun[connectionId] = run.runId;
    return run;
  }

  const syncEventOf = (runId: string) =>
    stack.receiver.received.map((r) => r.event).find((event): event is SyncWebhookEvent => event.type === 'sync' && event.id === runId);

  /** The feed entries a run's webhook points at: exactly what it announced. */
  async function announcedBy(runId: string, connectionId: string) {
    await stack.receiver.waitFor(() => syncEventOf(runId) !== undefined);
    const event = syncEventOf(runId) as SyncWebhookEvent;
    const entries = await readWholeFeed(stack, connectionId, 'people', event.changes.cursor, 500);
    return { event, entries };
  }

  async function fullRunsOf(connectionId: string) {
    return stack.store.runs.collection.countDocuments({ connectionId, model: 'people', mode: 'full' });
  }

  async function restartWorkerAt(version: 1 | 2 | 3) {
    await stack.stopWorker();
    await stack.startWorker({ catalog: catalogAt(version) });
  }

  const truth = () => stack.sandbox.records('Contact');

  beforeAll(async () => {
    stack = await startHubSpotStack({ name: 'sync-versions', catalog: catalogAt(1) });
    stack.sandbox.seed('Contact', CONTACTS);
    stack.hubspot.seed('contacts', HUBSPOT_CONTACTS);
  });
  afterAll(() => stack?.close());

  it('syncs live connections on version 1: two Salesforce, one HubSpot', async () => {
    expect((await stack.connectHubSpot('hs', { people: { frequency: '1h' } })).status).toBe(201);
    const hubspotFirst = await waitForRunAfter(stack, 'hs', 'people', null);
    expect(hubspotFirst).toMatchObject({ status: 'succeeded', mode: 'incremental', added: HUBSPOT_CONTACTS, fullReason: null });
    lastRun.hs = hubspotFirst.runId;
    for (const connectionId of ['one', 'two']) {
      expect((await stack.connectSalesforce(connectionId, { people: { frequency: '1h' } })).status).toBe(201);
      const run = await waitForRunAfter(stack, connectionId, 'people', null);
      expect(run).toMatchObject({ status: 'succeeded', mode: 'incremental', added: CONTACTS, fullReason: null });
      lastRun[connectionId] = run.runId;
      for (const stored of (await storedLiveRecords(stack, connectionId, 'people')).values()) expect(stored).not.toHaveProperty('Tier__c');
    }
  });

  it('backfills the new field into every live connection with one full run each, announced with its reason', async () => {
    await restartWorkerAt(2);
    for (const connectionId of ['one', 'two']) {
      const backfill = await syncNow(connectionId);
      // Every contact gains the field (null included), so every one changed and is announced once, as updated.
      expect(backfill).toMatchObject({ status: 'succeeded', mode: 'full', fullReason: 'version 1 → 2', added: 0, updated: CONTACTS, deleted: 0 });
      const stored = await storedLiveRecords(stack, connectionId, 'people');
      expect(stored.size).toBe(CONTACTS);
      for (const contact of truth()) expect(stored.get(contact.Id)).toHaveProperty('Tier__c', contact.Tier__c);

      const { event, entries } = await announcedBy(backfill.runId, connectionId);
      expect(event).toMatchObject({ mode: 'full', fullReason: 'version 1 → 2', added: 0, updated: CONTACTS, deleted: 0 });
      expect(entries).toHaveLength(CONTACTS);
      expect(new Set(entries.map((entry) => entry.action))).toEqual(new Set(['updated']));

      // Owed once: the run after is incremental again, finds nothing new and announces nothing.
      const next = await syncNow(connectionId);
      expect(next).toMatchObject({ status: 'succeeded', mode: 'incremental', fullReason: null, added: 0, updated: 0, deleted: 0 });
      expect(await fullRunsOf(connectionId)).toBe(1);
    }

    const hubspotBackfill = await syncNow('hs');
    expect(hubspotBackfill).toMatchObject({ status: 'succeeded', mode: 'full', fullReason: 'version 1 → 2', added: 0, updated: HUBSPOT_CONTACTS, deleted: 0 });
    expect((await announcedBy(hubspotBackfill.runId, 'hs')).event).toMatchObject({ mode: 'full', fullReason: 'version 1 → 2', updated: HUBSPOT_CONTACTS });
    const storedInHubSpot = await storedLiveRecords(stack, 'hs', 'people');
    for (const contact of stack.hubspot.records('contacts')) {
      expect(storedInHubSpot.get(contact.id)?.properties).toHaveProperty('jobtitle', contact.properties.jobtitle ?? null);
    }
    expect(await syncNow('hs')).toMatchObject({ mode: 'incremental', fullReason: null, added: 0, updated: 0, deleted: 0 });
    expect(await fullRunsOf('hs')).toBe(1);
  });

  it('owes a connection made after the bump no full run: its first sync already read version 2', async () => {
    expect((await stack.connectSalesforce('three', { people: { frequency: '1h' } })).status).toBe(201);
    const first = await waitForRunAfter(stack, 'three', 'people', null);
    expect(first).toMatchObject({ status: 'succeeded', mode: 'incremental', added: CONTACTS });
    lastRun.three = first.runId;
    const stored = await storedLiveRecords(stack, 'three', 'people');
    for (const contact of truth()) expect(stored.get(contact.Id)).toHaveProperty('Tier__c', contact.Tier__c);
    expect(await syncNow('three')).toMatchObject({ mode: 'incremental', fullReason: null, updated: 0 });
    expect(await fullRunsOf('three')).toBe(0);
  });

  it('re-announces only the records a mapping change really changed', async () => {
    await restartWorkerAt(3);
    const withTier = truth().filter((contact) => contact.Tier__c !== null);
    expect(withTier.length).toBeGreaterThan(0);
    expect(withTier.length).toBeLessThan(CONTACTS);
    for (const connectionId of ['one', 'two', 'three']) {
      const backfill = await syncNow(connectionId);
      expect(backfill).toMatchObject({ mode: 'full', fullReason: 'version 2 → 3', added: 0, updated: withTier.length, deleted: 0 });
      const { entries } = await announcedBy(backfill.runId, connectionId);
      expect(entries.map((entry) => entry.id).sort()).toEqual(withTier.map((contact) => contact.Id).sort());
      const stored = await storedLiveRecords(stack, connectionId, 'people');
      for (const contact of truth()) expect(stored.get(contact.Id)).toHaveProperty('Tier__c', contact.Tier__c === null ? null : String(contact.Tier__c).toUpperCase());
    }

    // A bump that changes nothing stored: one full run that reads everything, finds nothing new and announces nothing.
    const unchanged = await syncNow('hs');
    expect(unchanged).toMatchObject({ status: 'succeeded', mode: 'full', fullReason: 'version 2 → 3', added: 0, updated: 0, deleted: 0 });
    expect(unchanged.recordsRead).toBe(HUBSPOT_CONTACTS);
    expect(await syncNow('hs')).toMatchObject({ mode: 'incremental', fullReason: null });
    expect(syncEventOf(unchanged.runId)).toBeUndefined();
  });

  it('backfills one connection’s own extra field into that connection alone', async () => {
    const patched = await stack.api('PATCH', '/connections/two', { fields: { people: ['Region__c'] } });
    expect(patched.status).toBe(200);
    expect(patched.body.fields).toEqual({ people: ['Region__c'] });
    expect((await stack.api('GET', '/connections/two')).body.fields).toEqual({ people: ['Region__c'] });

    const backfill = await syncNow('two');
    // Every contact has a region: each gains a value.
    expect(backfill).toMatchObject({ status: 'succeeded', mode: 'full', fullReason: 'fields added: Region__c', updated: CONTACTS, added: 0, deleted: 0 });
    expect((await announcedBy(backfill.runId, 'two')).event).toMatchObject({ mode: 'full', fullReason: 'fields added: Region__c' });
    const stored = await storedLiveRecords(stack, 'two', 'people');
    for (const contact of truth()) expect(stored.get(contact.Id)).toHaveProperty('Region__c', contact.Region__c);

    // The other connections of the integration read as before.
    const other = await syncNow('one');
    expect(other).toMatchObject({ mode: 'incremental', fullReason: null, updated: 0 });
    for (const record of (await storedLiveRecords(stack, 'one', 'people')).values()) expect(record).not.toHaveProperty('Region__c');
    expect(await syncNow('two')).toMatchObject({ mode: 'incremental', fullReason: null, updated: 0 });
  });

  it('takes extra fields at create, and refuses an unknown model (409 on a change, 404 at create) or a bad field name (400), naming it', async () => {
    const grant = stack.sandbox.issueGrant();
    const created = await stack.api('POST', '/connections', {
      connectionId: 'four',
      integration: 'salesforce-sandbox',
      credentials: { refreshToken: grant.refreshToken, accessToken: grant.accessToken, instanceUrl: grant.instanceUrl },
      syncs: { people: { frequency: '1h' } },
      fields: { people: ['Region__c', 'Region__c'] },
    });
    expect(created.status).toBe(201);
    expect(created.body.fields).toEqual({ people: ['Region__c'] });
    const first = await waitForRunAfter(stack, 'four', 'people', null);
    expect(first).toMatchObject({ status: 'succeeded', mode: 'incremental', added: CONTACTS });
    const stored = await storedLiveRecords(stack, 'four', 'people');
    for (const contact of truth()) expect(stored.get(contact.Id)).toHaveProperty('Region__c', contact.Region__c);

    // Well-formed, naming a model the provider lacks: a 409 on a change, a 404 at create (issue 25); not a 400.
    const unknownModel = await stack.api('PATCH', '/connections/four', { fields: { leads: ['Tier__c'] } });
    expect(unknownModel.status).toBe(409);
    expect(JSON.stringify(unknownModel.body)).toMatch(/body\.fields\.leads/);
    const badName = await stack.api('PATCH', '/connections/four', { fields: { people: ['Region__c; DROP'] } });
    expect(badName.status).toBe(400);
    expect(JSON.stringify(badName.body)).toMatch(/body\.fields\.people\.0/);
    const atCreate = await stack.api('POST', '/connections', {
      connectionId: 'five',
      integration: 'salesforce-sandbox',
      credentials: { refreshToken: 'r' },
      fields: { opportunities: ['Name'] },
    });
    expect(atCreate.status).toBe(404);
    expect(JSON.stringify(atCreate.body)).toMatch(/body\.fields\.opportunities/);
    expect((await stack.api('GET', '/connections/five')).status).toBe(404);
    expect((await stack.api('GET', '/connections/four')).body.fields).toEqual({ people: ['Region__c'] });

    // An empty list takes the connection's own field away again: that, too, is what the model stores changing.
    expect((await stack.api('PATCH', '/connections/four', { fields: { people: [] } })).body.fields).toEqual({});
    lastRun.four = first.runId;
    expect(await syncNow('four')).toMatchObject({ mode: 'full', fullReason: 'fields removed: Region__c' });
  });
});
