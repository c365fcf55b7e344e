// Dynamics rows as the unified CRM models: the same zod schemas as every provider's, links into the connection's own
// environment (a connect input), and a unified field Dataverse has no column for reads null.
import { dynamicsCrmCompanies, dynamicsCrmContacts } from '../../../providers/dynamics/crm-mappings';
import { crmCompany, crmContact } from '../../../unified-model/unified-crm';
import { mapRecord } from '../../../unified-model/unified-mapping';

const context = { provider: 'dynamics', instanceUrl: null, accountId: 'b5f1c0de-0000-4000-a000-000000000001', connectInputs: { environmentUrl: 'https://contoso.crm4.dynamics.com' } };

describe('Dynamics rows as unified records', () => {
  it('reads a contact: both e-mails, phones, its parent account, and a link into its environment', () => {
    const id = '9c1e6f0a-8d2b-4e57-9a31-2c4d5e6f7a80';
    const row = {
      contactid: id,
      firstname: 'Ada',
      lastname: 'Lovelace',
      emailaddress1: 'ada@example.com',
      emailaddress2: 'ADA@example.com',
      telephone1: '+44 20 1234',
      mobilephone: null,
      _parentcustomerid_value: '0a9c1e6f-8d2b-4e57-9a31-2c4d5e6f7a80',
      _ownerid_value: '11111111-2222-4333-a444-555555555555',
      createdon: '2026-01-05T10:00:00Z',
      modifiedon: '2026-01-06T10:00:00Z',
      etag: 'W/"12"',
    };
    expect(crmContact.parse(mapRecord(dynamicsCrmContacts, id, row, context))).toMatchObject({
      id,
      provider: 'dynamics',
      // The second address is the first one in other letters: one entry.
      emails: [{ email: 'ada@example.com', type: 'primary' }],
      phones: [{ number: '+44 20 1234', type: 'work' }],
      company: { id: '0a9c1e6f-8d2b-4e57-9a31-2c4d5e6f7a80', name: null },
      updatedAt: '2026-01-06T10:00:00.000Z',
      recordUrl: `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=contact&id=${id}`,
    });
  });

  it('reads an account, its industry null whatever the row holds (Dataverse has only a choice number)', () => {
    const id = '0a9c1e6f-8d2b-4e57-9a31-2c4d5e6f7a80';
    const row = { accountid: id, name: 'Fabrikam', websiteurl: 'https://www.fabrikam.example/contact', industrycode: 7, industry: 'not a Dataverse column', createdon: '2026-01-05T10:00:00Z', modifiedon: '2026-01-06T10:00:00Z' };
    expect(crmCompany.parse(mapRecord(dynamicsCrmCompanies, id, row, context))).toMatchObject({
      name: 'Fabrikam',
      domain: 'fabrikam.example',
      industry: null,
      recordUrl: `https://contoso.crm4.dynamics.com/main.aspx?pagetype=entityrecord&etn=account&id=${id}`,
    });
  });
});
