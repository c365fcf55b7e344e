// How Zoho CRM Contacts and Accounts read as the unified CRM models: field by field, as data.
import type { CrmCompanyMapping, CrmContactMapping } from '../../unified-model/unified-mapping';

// Times come in the org's own offset (`2025-01-10T13:22:08+03:00`): `datetime` turns them into UTC. No `recordUrl`: a
// record's web address needs the data centre's CRM host and the org's domain name, which no connection knows.

export const zohoCrmContacts: CrmContactMapping = {
  model: 'crm.contacts',
  from: 'contacts',
  id: 'id',
  fields: {
    firstName: { from: 'First_Name' },
    lastName: { from: 'Last_Name' },
    emails: {
      list: 'email',
      items: [
        { from: 'Email', type: 'primary' },
        { from: 'Secondary_Email', type: 'other' },
      ],
      firstType: 'primary',
    },
    phones: {
      list: 'number',
      items: [
        { from: 'Phone', type: 'work' },
        { from: 'Mobile', type: 'mobile' },
      ],
    },
    // A lookup: the account's id and its name as Zoho shows it now.
    company: { object: { id: { from: 'Account_Name.id' }, name: { from: 'Account_Name.name' } } },
    ownerId: { from: 'Owner.id' },
    createdAt: { from: 'Created_Time', format: 'datetime' },
    updatedAt: { from: 'Modified_Time', format: 'datetime' },
  },
};

export const zohoCrmCompanies: CrmCompanyMapping = {
  model: 'crm.companies',
  from: 'accounts',
  id: 'id',
  fields: {
    name: { from: 'Account_Name' },
    domain: { from: 'Website', format: 'domain' },
    industry: { from: 'Industry' },
    phones: { list: 'number', items: [{ from: 'Phone', type: 'work' }] },
    ownerId: { from: 'Owner.id' },
    createdAt: { from: 'Created_Time', format: 'datetime' },
    updatedAt: { from: 'Modified_Time', format: 'datetime' },
  },
};

export const zohoUnifiedModels = [zohoCrmContacts, zohoCrmCompanies];
