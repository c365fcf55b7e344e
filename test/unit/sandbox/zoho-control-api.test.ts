import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startZohoSandbox, type ZohoSandbox } from '../../../sandbox/zoho/server';
import { control, crm } from './zoho-client';

describe('Zoho sandbox: the /__sandbox control API and notification channels', () => {
  let sandbox: ZohoSandbox;
  beforeEach(async () => {
    sandbox = await startZohoSandbox();
  });
  afterEach(() => sandbox.close());

  it('lists data centres and orgs, seeds, reads, updates and deletes records in a chosen org', async () => {
    const dataCentres = await control(sandbox, 'GET', '/data-centres');
    expect(dataCentres.body.dataCentres).toEqual(sandbox.dataCentres.map(({ location, accountsUrl, apiUrl }) => ({ location, accountsUrl, apiUrl })));
    const orgs = await control(sandbox, 'GET', '/orgs');
    expect(orgs.body.orgs.map((o: { name: string; location: string; apiDomain: string }) => [o.name, o.location, o.apiDomain])).toEqual([
      ['zylker', 'us', sandbox.dataCentre('us').apiUrl],
      ['nordlicht', 'eu', sandbox.dataCentre('eu').apiUrl],
    ]);
    const seeded = await control(sandbox, 'POST', '/orgs/nordlicht/seed', { module: 'Contacts', count: 4, tieGroupSize: 2 });
    expect(seeded.status).toBe(201);
    const records = await control(sandbox, 'GET', '/records/Contacts?org=nordlicht');
    expect(records.body.records.map((r: { id: string }) => r.id).sort()).toEqual([...seeded.body.ids].sort());
    expect((await control(sandbox, 'GET', '/records/Contacts')).body.records).toEqual([]);

    const [id] = seeded.body.ids;
    expect((await control(sandbox, 'PATCH', `/records/Contacts/${id}?org=nordlicht`, { Title: 'CFO' })).body).toMatchObject({ id, Title: 'CFO' });
    expect((await control(sandbox, 'DELETE', `/records/Contacts/${id}?org=nordlicht&permanent=true`)).status).toBe(204);
    expect((await control(sandbox, 'GET', '/deleted/Contacts?org=nordlicht')).body.deleted).toEqual([{ id, display_name: null, type: 'permanent', deleted_time: expect.stringMatching(/\+02:00$/) }]);

    const grant = await control(sandbox, 'POST', '/grants', { org: 'nordlicht' });
    expect(grant.status).toBe(201);
    expect(grant.body.apiDomain).toBe(sandbox.dataCentre('eu').apiUrl);
    expect((await crm(grant.body.apiDomain, grant.body.accessToken, 'Contacts?fields=Title')).body.data).toHaveLength(3);
    expect((await control(sandbox, 'GET', '/tokens?org=nordlicht')).body.refreshTokens).toEqual([{ id: grant.body.refreshTokenId, liveAccessTokens: 1 }]);
    expect((await control(sandbox, 'POST', '/revoke', { token: grant.body.refreshTokenId })).status).toBe(204);
    expect((await crm(grant.body.apiDomain, grant.body.accessToken, 'org')).status).toBe(401);
  });

  it('answers a bad control request with a 400 naming the field, and changes nothing', async () => {
    const badValue = await control(sandbox, 'POST', '/records/Contacts', { Last_Name: 'X', Customer_Score: 'lots' });
    expect(badValue.status).toBe(400);
    expect(badValue.body.fields).toEqual([{ field: 'Customer_Score', message: 'INVALID_DATA: invalid data' }]);
    expect((await control(sandbox, 'POST', '/records/Contacts', { First_Name: 'No last name' })).body.fields).toEqual([{ field: 'Last_Name', message: 'MANDATORY_NOT_FOUND: required field not found' }]);
    expect((await control(sandbox, 'GET', '/records/Leads')).body.fields[0].field).toBe('module');
    expect((await control(sandbox, 'POST', '/grants', { org: 'nowhere' })).status).toBe(404);
    const badFault = await control(sandbox, 'POST', '/faults/rate-limit-storm', { seconds: 1, limit: 'daily' });
    expect([badFault.status, badFault.body.fields[0].field]).toEqual([400, 'limit']);
    const badOption = await control(sandbox, 'POST', '/options', { hiddenFields: { Contacts: ['Shoe_Size'] } });
    expect([badOption.status, badOption.body.fields[0].field]).toEqual([400, 'hiddenFields.Contacts']);
    expect(sandbox.org().records('Contacts')).toEqual([]);
    expect(sandbox.faults.active()).toEqual([]);
    await expect(startZohoSandbox({ orgs: [{ name: 'lost', location: 'jp' }] })).rejects.toThrow('orgs.0.location: must be one of us, eu');
  });

  describe('notifications', () => {
    let receiver: Server;
    let received: Record<string, unknown>[];
    let notifyUrl: string;
    beforeEach(async () => {
      received = [];
      receiver = createServer((req, res) => {
        let text = '';
        req.on('data', (chunk: Buffer) => (text += chunk.toString()));
        req.on('end', () => {
          received.push(JSON.parse(text) as Record<string, unknown>);
          res.writeHead(200).end();
        });
      });
      await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
      notifyUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/zoho`;
    });
    afterEach(() => new Promise((resolve) => receiver.close(resolve)));

    it('subscribes a channel and calls back with batched ids, the operation, and the token and channel_id registered', async () => {
      const grant = sandbox.issueGrant();
      const watch = await crm(grant.apiDomain, grant.accessToken, 'actions/watch', {
        method: 'POST',
        body: { watch: [{ channel_id: '1000000068001', events: ['Contacts.all', 'Accounts.create'], notify_url: notifyUrl, token: 'tributary-check', return_affected_field_values: true }] },
      });
      expect(watch.status).toBe(201);
      expect(watch.body.watch[0]).toMatchObject({ code: 'SUCCESS', status: 'success' });
      expect(watch.body.watch[0].details.events.map((e: { resource_name: string; channel_id: string }) => [e.resource_name, e.channel_id])).toEqual([
        ['Contacts', '1000000068001'],
        ['Accounts', '1000000068001'],
      ]);

      const inserted = await crm(grant.apiDomain, grant.accessToken, 'Contacts', { method: 'POST', body: { data: [{ Last_Name: 'One' }, { Last_Name: 'Two' }] } });
      const [first, second] = inserted.body.data.map((r: { details: { id: string } }) => r.details.id);
      sandbox.org().update('Contacts', first, { Title: 'CEO' });
      sandbox.org().delete('Contacts', second);
      await sandbox.notificationsFlushed();
      expect(received.map((n) => [n.operation, n.ids, n.channel_id, n.token, n.module])).toEqual([
        ['insert', [first, second], '1000000068001', 'tributary-check', 'Contacts'],
        ['update', [first], '1000000068001', 'tributary-check', 'Contacts'],
        ['delete', [second], '1000000068001', 'tributary-check', 'Contacts'],
      ]);
      expect(received[1]).toMatchObject({ affected_fields: [{ [first]: ['Title'] }], affected_values: [{ record_id: first, values: { Title: 'CEO' } }], resource_uri: `${grant.apiDomain}/crm/v8/Contacts`, server_time: expect.any(Number) });
      expect(sandbox.notificationStats()).toEqual({ delivered: 3, notifications: 4, failed: 0 });
    });

    it('stops calling back once a channel lapses or is disabled, and refuses non-loopback URLs and expiries past a week', async () => {
      const grant = sandbox.issueGrant();
      const soon = new Date(Date.now() + 1500).toISOString();
      const created = await crm(grant.apiDomain, grant.accessToken, 'actions/watch', { method: 'POST', body: { watch: [{ channel_id: 7, events: ['Contacts.create'], notify_url: notifyUrl, channel_expiry: soon }] } });
      expect(created.status).toBe(201);
      expect((await crm(grant.apiDomain, grant.accessToken, 'actions/watch')).body.watch.map((c: { channel_id: string }) => c.channel_id)).toEqual(['7']);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      sandbox.org().create('Contacts', { Last_Name: 'After expiry' });
      await sandbox.notificationsFlushed();
      expect(received).toEqual([]);
      expect((await crm(grant.apiDomain, grant.accessToken, 'actions/watch')).status).toBe(204);

      const bad = await crm(grant.apiDomain, grant.accessToken, 'actions/watch', {
        method: 'POST',
        body: {
          watch: [
            { channel_id: 8, events: ['Contacts.create'], notify_url: 'https://example.com/hook' },
            { channel_id: 9, events: ['Contacts.create'], notify_url: notifyUrl, channel_expiry: new Date(Date.now() + 8 * 86_400_000).toISOString() },
            { channel_id: 10, events: ['Leads.create'], notify_url: notifyUrl },
            { channel_id: 11, events: ['Contacts.edit'], notify_url: notifyUrl },
          ],
        },
      });
      expect(bad.status).toBe(207);
      expect(bad.body.watch.map((w: { code: string; details: { api_name?: string } }) => [w.code, w.details.api_name ?? null])).toEqual([
        ['INVALID_DATA', 'notify_url'],
        ['INVALID_DATA', 'channel_expiry'],
        ['INVALID_DATA', 'events'],
        ['SUCCESS', null],
      ]);
      const disabled = await crm(grant.apiDomain, grant.accessToken, 'actions/watch?channel_ids=11', { method: 'DELETE' });
      expect(disabled.body.watch[0].code).toBe('SUCCESS');
      sandbox.org().update('Contacts', sandbox.org().records('Contacts')[0].id as string, { Title: 'x' });
      await sandbox.notificationsFlushed();
      expect(received).toEqual([]);
    });
  });
});
