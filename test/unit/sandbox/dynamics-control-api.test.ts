import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startDynamicsSandbox, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { api } from './dynamics-client';
import { controlCall } from './http-client';

describe('Dynamics sandbox: the /__sandbox control API (the truth tests and the chaos suite read)', () => {
  let sandbox: DynamicsSandbox;
  beforeEach(async () => {
    sandbox = await startDynamicsSandbox();
  });
  afterEach(() => sandbox.close());

  const control = (method: string, path: string, body?: unknown) => controlCall(sandbox.url, method, path, body);

  it('lists environments, seeds, reads, updates and deletes records in a chosen environment', async () => {
    const listed = await control('GET', '/environments');
    expect(listed.body).toEqual({ tenantId: sandbox.tenantId, environments: sandbox.environments.map((e) => ({ name: e.name, url: e.url, apiUrl: e.apiUrl, organizationId: e.organizationId })) });
    const seeded = await control('POST', '/environments/fabrikam/seed', { entitySet: 'contacts', count: 4, tieGroupSize: 2 });
    expect(seeded.status).toBe(201);
    const records = await control('GET', '/records/contacts?environment=fabrikam');
    expect(records.body.records.map((r: { contactid: string }) => r.contactid).sort()).toEqual([...seeded.body.ids].sort());
    expect((await control('GET', '/records/contacts')).body.records).toEqual([]);

    const [id] = seeded.body.ids;
    const updated = await control('PATCH', `/records/contacts/${id}?environment=fabrikam`, { jobtitle: 'CFO' });
    expect(updated.body).toMatchObject({ contactid: id, jobtitle: 'CFO' });
    expect((await control('DELETE', `/records/contacts/${id}?environment=fabrikam`)).status).toBe(204);
    expect((await control('GET', '/records/contacts?environment=fabrikam')).body.records).toHaveLength(3);

    const grant = await control('POST', '/grants', { environment: 'fabrikam' });
    expect(grant.status).toBe(201);
    const read = await api(sandbox.environment('fabrikam'), grant.body.accessToken, 'contacts?$select=jobtitle');
    expect(read.body.value).toHaveLength(3);
  });

  it('answers a bad control request with a 400 naming the field, and changes nothing', async () => {
    const badValue = await control('POST', '/records/contacts', { lastname: 'X', firstname: 42 });
    expect(badValue.status).toBe(400);
    expect(badValue.body.fields).toEqual([{ field: 'firstname', message: "Cannot convert the literal '42' to the expected type 'Edm.String'." }]);
    const badSet = await control('GET', '/records/leads');
    expect(badSet.body.fields[0].field).toBe('entitySet');
    const badEnvironment = await control('POST', '/grants', { environment: 'nowhere' });
    expect(badEnvironment.status).toBe(404);
    const badFault = await control('POST', '/faults/rate-limit-storm', { seconds: 1, limit: 'daily' });
    expect(badFault.status).toBe(400);
    expect(badFault.body.fields[0].field).toBe('limit');
    expect(sandbox.environment().records('contacts')).toEqual([]);
    expect(sandbox.faults.active()).toEqual([]);
  });

  it('sends a RemoteExecutionContext with the shared header key for each change, to the configured URL', async () => {
    const received: { headers: IncomingHttpHeaders; body: Record<string, unknown> }[] = [];
    const receiver = createServer((req, res) => {
      let text = '';
      req.on('data', (chunk: Buffer) => (text += chunk.toString()));
      req.on('end', () => {
        received.push({ headers: req.headers, body: JSON.parse(text) as Record<string, unknown> });
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      sandbox.setOptions({ webhookUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/dynamics`, webhookHeaders: { 'x-tributary-key': 'shared-secret' } });
      const environment = sandbox.environment();
      const grant = sandbox.issueGrant();
      await api(environment, grant.accessToken, 'contacts', { method: 'POST', body: { lastname: 'Lovelace' } });
      const [row] = environment.records('contacts') as { contactid: string }[];
      environment.delete('contacts', row.contactid);
      await sandbox.webhooksFlushed();
      expect(received.map((r) => [r.headers['x-ms-dynamics-request-name'], r.headers['x-ms-dynamics-entity-name'], r.headers['x-tributary-key']])).toEqual([
        ['create', 'contact', 'shared-secret'],
        ['delete', 'contact', 'shared-secret'],
      ]);
      expect(received[0].body).toMatchObject({ MessageName: 'Create', PrimaryEntityName: 'contact', PrimaryEntityId: row.contactid, OrganizationId: environment.organizationId, OperationCreatedOn: expect.stringMatching(/^\/Date\(\d+\)\/$/) });
      expect(sandbox.webhookStats()).toEqual({ delivered: 2, notifications: 2, failed: 0 });
    } finally {
      await new Promise((resolve) => receiver.close(resolve));
    }
  });
});
