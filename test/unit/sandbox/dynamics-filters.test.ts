import { startDynamicsSandbox, type DynamicsEnvironmentHandle, type DynamicsSandbox } from '../../../sandbox/dynamics/server';
import { allPages, api } from './dynamics-client';

describe('Dynamics sandbox: $filter on modifiedon, ties, and column metadata', () => {
  let sandbox: DynamicsSandbox;
  let environment: DynamicsEnvironmentHandle;
  let accessToken: string;
  beforeEach(async () => {
    sandbox = await startDynamicsSandbox();
    environment = sandbox.environment();
    accessToken = sandbox.issueGrant().accessToken;
  });
  afterEach(() => sandbox.close());

  const contactIds = (pages: { body: { value: { contactid: string }[] } }[]) => pages.flatMap((p) => p.body.value.map((r) => r.contactid)).sort();

  it('compares modifiedon with unquoted ISO datetimes (gt, ge, lt, le, and), at whole-second precision', async () => {
    environment.seed('contacts', 40, { tieGroupSize: 8 });
    const truth = environment.records('contacts') as { contactid: string; modifiedon: string }[];
    const stamps = [...new Set(truth.map((r) => r.modifiedon))].sort();
    expect(stamps).toHaveLength(5);
    expect(stamps.every((s) => /T\d{2}:\d{2}:\d{2}Z$/.test(s))).toBe(true);
    const pivot = stamps[2];
    const expectIds = (predicate: (m: string) => boolean) => truth.filter((r) => predicate(r.modifiedon)).map((r) => r.contactid).sort();
    for (const [op, predicate] of [
      ['gt', (m: string) => m > pivot],
      ['ge', (m: string) => m >= pivot],
      ['lt', (m: string) => m < pivot],
      ['le', (m: string) => m <= pivot],
    ] as const) {
      const pages = await allPages(environment, accessToken, `contacts?$select=modifiedon&$filter=modifiedon ${op} ${pivot}`, 'odata.maxpagesize=5');
      expect(contactIds(pages)).toEqual(expectIds(predicate));
    }
    const between = await allPages(environment, accessToken, `contacts?$select=modifiedon&$filter=modifiedon gt ${stamps[0]} and modifiedon lt ${stamps[4]}`, 'odata.maxpagesize=5');
    expect(contactIds(between)).toEqual(expectIds((m) => m > stamps[0] && m < stamps[4]));
  });

  it('resuming with ge from the last modifiedon seen re-reads its whole tie group, so nothing tied is lost', async () => {
    environment.seed('contacts', 30, { tieGroupSize: 10 });
    const first = await api(environment, accessToken, 'contacts?$select=modifiedon&$orderby=modifiedon asc,contactid asc', { headers: { prefer: 'odata.maxpagesize=15' } });
    const lastSeen: string = first.body.value.at(-1).modifiedon;
    const resumed = await allPages(environment, accessToken, `contacts?$select=modifiedon&$filter=modifiedon ge ${lastSeen}&$orderby=modifiedon asc,contactid asc`, 'odata.maxpagesize=15');
    const union = new Set([...first.body.value.map((r: { contactid: string }) => r.contactid), ...contactIds(resumed)]);
    expect(union.size).toBe(30);
  });

  it('refuses a quoted datetime, an unknown column and broken syntax with the OData errors', async () => {
    const quoted = await api(environment, accessToken, "contacts?$filter=modifiedon gt '2024-01-01T00:00:00Z'");
    expect(quoted.status).toBe(400);
    expect(quoted.body.error).toEqual({ code: '0x80060888', message: "A binary operator with incompatible types was detected. Found operand types 'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThan'." });
    const unknown = await api(environment, accessToken, 'contacts?$filter=lastmodified gt 2024-01-01T00:00:00Z');
    expect(unknown.body.error.message).toBe("Could not find a property named 'lastmodified' on type 'Microsoft.Dynamics.CRM.contact'.");
    const unknownSelect = await api(environment, accessToken, 'contacts?$select=email');
    expect(unknownSelect.status).toBe(400);
    const broken = await api(environment, accessToken, 'contacts?$filter=modifiedon gt');
    expect(broken.body.error.message).toMatch(/^Syntax error at position/);
    const segment = await api(environment, accessToken, 'contcts');
    expect(segment.status).toBe(404);
    expect(segment.body.error).toEqual({ code: '0x80060888', message: "Resource not found for the segment 'contcts'." });
  });

  it('finds a contact by e-mail ignoring case (what an action looks for before creating)', async () => {
    const ada = environment.create('contacts', { lastname: 'Lovelace', emailaddress1: 'Ada@Example.com' });
    const found = await api(environment, accessToken, "contacts?$select=fullname&$filter=emailaddress1 eq 'ada@example.com'");
    expect(found.body.value.map((r: { contactid: string }) => r.contactid)).toEqual([ada.contactid]);
  });

  it('lists columns with custom ones (new_ prefix), IsValidForRead and IsSecured; secured columns read as null without a profile', async () => {
    const attributes = await api(environment, accessToken, "EntityDefinitions(LogicalName='contact')/Attributes?$select=LogicalName,AttributeType,IsCustomAttribute,IsValidForRead,IsSecured");
    expect(attributes.status).toBe(200);
    const custom = attributes.body.value.filter((a: { IsCustomAttribute: boolean }) => a.IsCustomAttribute).map((a: { LogicalName: string; AttributeType: string; IsSecured: boolean }) => [a.LogicalName, a.AttributeType, a.IsSecured]);
    expect(custom).toEqual([
      ['new_tier', 'String', false],
      ['new_region', 'Picklist', false],
      ['new_loyaltypoints', 'Integer', false],
      ['new_nationalid', 'String', true],
    ]);
    expect(attributes.body.value.find((a: { LogicalName: string }) => a.LogicalName === 'modifiedon')).toEqual({
      '@odata.type': '#Microsoft.Dynamics.CRM.DateTimeAttributeMetadata', LogicalName: 'modifiedon', AttributeType: 'DateTime', IsCustomAttribute: false, IsValidForRead: true, IsSecured: false, MetadataId: expect.any(String),
    });

    const row = environment.create('contacts', { lastname: 'Secret', new_nationalid: 'NI-123' });
    const read = await api(environment, accessToken, `contacts(${String(row.contactid)})?$select=lastname,new_nationalid`);
    expect(read.body).toMatchObject({ lastname: 'Secret', new_nationalid: null });
    expect(environment.records('contacts')[0].new_nationalid).toBe('NI-123');
    sandbox.setOptions({ secureColumnsReadable: true });
    expect((await api(environment, accessToken, `contacts(${String(row.contactid)})?$select=new_nationalid`)).body.new_nationalid).toBe('NI-123');
  });
});
