// The unified CRM mapping: each provider's declarative field mapping turns its stored records into one shape.
import { providerCatalog } from '../../../providers/catalog';
import { hubspotCrmCompanies, hubspotCrmContacts } from '../../../providers/hubspot/crm-mappings';
import { pipedriveCrmCompanies, pipedriveCrmContacts } from '../../../providers/pipedrive/crm-mappings';
import { salesforceCrmCompanies, salesforceCrmContacts } from '../../../providers/salesforce/crm-mappings';
import { crmCompany, crmContact } from '../../../unified-model/unified-crm';
import { mapRecord, toDomain, toIsoInstant, type FieldRule } from '../../../unified-model/unified-mapping';

const salesforce = { provider: 'salesforce', instanceUrl: 'https://acme.my.salesforce.com/', accountId: '00D000000000001AAA' };
const hubspot = { provider: 'hubspot', instanceUrl: null, accountId: '4417' };

describe('Salesforce contacts as crm.contacts', () => {
  it('maps every field, normalises Salesforce datetimes to UTC and links the record on the instance', () => {
    const row = {
      Id: '003000000000001AAA',
      FirstName: 'Ada',
      LastName: 'Lovelace',
      Email: 'ada@example.com',
      Phone: '(415) 555-0100',
      MobilePhone: '(415) 555-0199',
      AccountId: '001000000000001AAA',
      OwnerId: '005000000000001AAA',
      CreatedDate: '2026-01-05T10:00:00.000+0000',
      LastModifiedDate: '2026-02-01T08:30:00.000+0100',
      SystemModstamp: '2026-02-01T07:30:00.000+0000',
    };
    const contact = crmContact.parse(mapRecord(salesforceCrmContacts, row.Id, row, salesforce));
    expect(contact).toEqual({
      id: '003000000000001AAA',
      provider: 'salesforce',
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [{ email: 'ada@example.com', type: 'primary' }],
      phones: [
        { number: '(415) 555-0100', type: 'work' },
        { number: '(415) 555-0199', type: 'mobile' },
      ],
      company: { id: '001000000000001AAA', name: null },
      ownerId: '005000000000001AAA',
      createdAt: '2026-01-05T10:00:00.000Z',
      updatedAt: '2026-02-01T07:30:00.000Z',
      recordUrl: 'https://acme.my.salesforce.com/lightning/r/Contact/003000000000001AAA/view',
    });
  });

  it('reads missing and hidden fields as null or empty, and leaves the link out when the instance is unknown', () => {
    const row = { Id: '003000000000002AAA', LastName: 'Turing', FirstName: '  ', Email: null, SystemModstamp: '2026-01-05T10:00:00.000+0000' };
    const contact = crmContact.parse(mapRecord(salesforceCrmContacts, row.Id, row, { ...salesforce, instanceUrl: null }));
    expect(contact).toEqual({
      id: '003000000000002AAA',
      provider: 'salesforce',
      firstName: null,
      lastName: 'Turing',
      emails: [],
      phones: [],
      company: null,
      ownerId: null,
      createdAt: null,
      updatedAt: null,
    });
    expect(contact).not.toHaveProperty('recordUrl');
  });
});

describe('HubSpot contacts as crm.contacts', () => {
  const record = (properties: Record<string, string | null>) => ({
    id: '501',
    properties: { hs_object_id: '501', createdate: '2026-01-05T10:00:00Z', lastmodifieddate: '2026-03-01T12:00:00.123Z', ...properties },
    createdAt: '2026-01-05T10:00:00Z',
    updatedAt: '2026-03-01T12:00:00.123Z',
    archived: false,
  });

  it('lists the primary email first, then each additional one once, whatever its case', () => {
    const data = record({
      email: 'grace@example.com',
      hs_additional_emails: 'g.hopper@example.org; GRACE@example.com;;hopper@navy.example',
      phone: '+1 555 0100',
      mobilephone: '+1 555 0100',
      firstname: 'Grace',
      lastname: 'Hopper',
      company: 'Navy',
      associatedcompanyid: '9001',
      hubspot_owner_id: '77',
    });
    const contact = crmContact.parse(mapRecord(hubspotCrmContacts, '501', data, hubspot));
    expect(contact.emails).toEqual([
      { email: 'grace@example.com', type: 'primary' },
      { email: 'g.hopper@example.org', type: 'other' },
      { email: 'hopper@navy.example', type: 'other' },
    ]);
    // The same number twice is one phone: the first field it is in says its type.
    expect(contact.phones).toEqual([{ number: '+1 555 0100', type: 'work' }]);
    expect(contact.company).toEqual({ id: '9001', name: 'Navy' });
    expect(contact.ownerId).toBe('77');
    expect(contact.updatedAt).toBe('2026-03-01T12:00:00.123Z');
    expect(contact.recordUrl).toBe('https://app.hubspot.com/contacts/4417/record/0-1/501');
  });

  it('makes the first additional email primary when the primary is empty, and omits the link without a portal id', () => {
    const contact = crmContact.parse(mapRecord(hubspotCrmContacts, '501', record({ email: null, hs_additional_emails: 'a@example.com;b@example.com' }), { ...hubspot, accountId: null }));
    expect(contact.emails).toEqual([
      { email: 'a@example.com', type: 'primary' },
      { email: 'b@example.com', type: 'other' },
    ]);
    expect(contact.firstName).toBeNull();
    expect(contact.company).toBeNull();
    expect(contact).not.toHaveProperty('recordUrl');
  });
});

describe('Pipedrive persons and organizations as crm.contacts and crm.companies', () => {
  const pipedrive = { provider: 'pipedrive', instanceUrl: 'https://acme.pipedrive.com', accountId: '5011' };
  const person = {
    id: 42,
    name: 'Ada Lovelace',
    first_name: 'Ada',
    last_name: 'Lovelace',
    owner_id: 10_000_001,
    org_id: 7,
    // The primary email is not first here: it comes first in the unified list all the same.
    emails: [
      { value: 'ada@home.example.org', primary: false, label: 'home' },
      { value: 'ada@example.com', primary: true, label: 'work' },
      { value: 'ADA@example.com', primary: false, label: 'other' },
    ],
    phones: [
      { value: '+372 5555 0101', primary: false, label: 'mobile' },
      { value: '+372 600 0000', primary: true, label: 'Work' },
      { value: '+372 700 0000', primary: false, label: 'fax' },
    ],
    add_time: '2025-01-10T13:22:08Z',
    update_time: '2025-02-01T08:00:00Z',
    custom_fields: {},
  };

  it('lists the primary email and phone first and types phones by their label; the link is on the company host', () => {
    const contact = crmContact.parse(mapRecord(pipedriveCrmContacts, '42', person, pipedrive));
    expect(contact).toEqual({
      id: '42',
      provider: 'pipedrive',
      firstName: 'Ada',
      lastName: 'Lovelace',
      emails: [
        { email: 'ada@example.com', type: 'primary' },
        { email: 'ada@home.example.org', type: 'other' },
      ],
      phones: [
        { number: '+372 600 0000', type: 'work' },
        { number: '+372 5555 0101', type: 'mobile' },
        { number: '+372 700 0000', type: 'other' },
      ],
      company: { id: '7', name: null },
      ownerId: '10000001',
      createdAt: '2025-01-10T13:22:08.000Z',
      updatedAt: '2025-02-01T08:00:00.000Z',
      recordUrl: 'https://acme.pipedrive.com/person/42',
    });
  });

  it('reads a person without emails, phones or organization as empty lists and no company', () => {
    const contact = crmContact.parse(mapRecord(pipedriveCrmContacts, '43', { ...person, id: 43, emails: [], phones: null, org_id: null }, pipedrive));
    expect(contact).toMatchObject({ id: '43', emails: [], phones: [], company: null });
  });

  it('reads fields Pipedrive organizations do not have as null or empty', () => {
    const organization = { id: 7, name: 'Acme', owner_id: 10_000_001, address: null, add_time: '2025-01-10T13:22:08Z', update_time: '2025-01-10T13:22:08Z', custom_fields: {} };
    const company = crmCompany.parse(mapRecord(pipedriveCrmCompanies, '7', organization, pipedrive));
    expect(company).toEqual({
      id: '7',
      provider: 'pipedrive',
      name: 'Acme',
      domain: null,
      industry: null,
      phones: [],
      ownerId: '10000001',
      createdAt: '2025-01-10T13:22:08.000Z',
      updatedAt: '2025-01-10T13:22:08.000Z',
      recordUrl: 'https://acme.pipedrive.com/organization/7',
    });
  });
});

describe('companies as crm.companies', () => {
  it('reads a Salesforce Website as a domain and a HubSpot domain as it is', () => {
    const account = { Id: '001000000000001AAA', Name: 'Acme', Website: 'https://www.Acme.example.com/about', Industry: 'Retail', Phone: '1', OwnerId: '005000000000001AAA', SystemModstamp: '2026-01-05T10:00:00.000+0000' };
    const fromSalesforce = crmCompany.parse(mapRecord(salesforceCrmCompanies, account.Id, account, salesforce));
    expect(fromSalesforce).toMatchObject({ name: 'Acme', domain: 'acme.example.com', industry: 'Retail', phones: [{ number: '1', type: 'work' }], ownerId: '005000000000001AAA' });
    expect(fromSalesforce.recordUrl).toBe('https://acme.my.salesforce.com/lightning/r/Account/001000000000001AAA/view');

    const company = { id: '9001', properties: { name: 'Acme', domain: 'acme.example.com', hubspot_owner_id: '77' }, createdAt: '2026-01-05T10:00:00Z', updatedAt: '2026-01-06T10:00:00Z' };
    const fromHubSpot = crmCompany.parse(mapRecord(hubspotCrmCompanies, '9001', company, hubspot));
    expect(fromHubSpot).toMatchObject({ id: '9001', name: 'Acme', domain: 'acme.example.com', industry: null, phones: [], ownerId: '77' });
    expect(fromHubSpot.recordUrl).toBe('https://app.hubspot.com/contacts/4417/record/0-2/9001');
  });

  it('reads unreadable values as null rather than guessing', () => {
    expect(toDomain('not a host')).toBeNull();
    expect(toIsoInstant('yesterday')).toBeNull();
    expect(toIsoInstant('1767607200000')).toBe('2026-01-05T10:00:00.000Z');
  });
});

describe('each mapping reads only fields its sync selects', () => {
  // HubSpot's record envelope (id, createdAt, updatedAt) is always there; every other path names a selected field.
  const ENVELOPE = new Set(['id', 'createdAt', 'updatedAt']);
  const pathsOf = (rule: FieldRule | null): string[] => {
    if (rule === null || 'link' in rule) return [];
    if ('list' in rule) return rule.items.map((item) => item.from);
    if ('object' in rule) return Object.values(rule.object).flatMap((part) => (part ? [part.from] : []));
    return [rule.from];
  };

  for (const provider of providerCatalog.keys()) {
    for (const mapping of providerCatalog.get(provider).unifiedModels ?? []) {
      it(`${provider} ${mapping.model} from ${mapping.from}`, () => {
        const fields = providerCatalog.sync(provider, mapping.from).fields!;
        const selected = new Set([...fields.wanted, ...fields.required, ...fields.system].map((name) => name.toLowerCase()));
        const paths = [...(mapping.id ? [mapping.id] : []), ...Object.values(mapping.fields).flatMap((rule: FieldRule | null) => pathsOf(rule))];
        // A dot path into a selected field's value (Zoho's lookup `Account_Name.id`) reads that field.
        const unselected = paths.filter((path) => !ENVELOPE.has(path) && !selected.has(path.replace(/^properties\./, '').split('.')[0].toLowerCase()));
        expect(unselected).toEqual([]);
      });
    }
  }
});
