// How Salesforce Contacts and Accounts read as the unified CRM models: field by field, as data.
import type { CrmCompanyMapping, CrmContactMapping } from '../../unified-model/unified-mapping';

export const salesforceCrmContacts: CrmContactMapping = {
  model: 'crm.contacts',
  from: 'contacts',
  id: 'Id',
  fields: {
    firstName: { from: 'FirstName' },
    lastName: { from: 'LastName' },
    emails: { list: 'email', items: [{ from: 'Email', type: 'primary' }] },
    phones: {
      list: 'number',
      items: [
        { from: 'Phone', type: 'work' },
        { from: 'MobilePhone', type: 'mobile' },
      ],
    },
    // The Account's name is on the Account, not the Contact row: read it from crm.companies by company.id.
    company: { object: { id: { from: 'AccountId' }, name: null } },
    ownerId: { from: 'OwnerId' },
    createdAt: { from: 'CreatedDate', format: 'datetime' },
    // LastModifiedDate is what Salesforce shows as "Last Modified"; SystemModstamp also moves for automation.
    updatedAt: { from: 'LastModifiedDate', format: 'datetime' },
    recordUrl: { link: '{instanceUrl}/lightning/r/Contact/{id}/view' },
  },
};

export const salesforceCrmCompanies: CrmCompanyMapping = {
  model: 'crm.companies',
  from: 'accounts',
  id: 'Id',
  fields: {
    name: { from: 'Name' },
    domain: { from: 'Website', format: 'domain' },
    industry: { from: 'Industry' },
    phones: { list: 'number', items: [{ from: 'Phone', type: 'work' }] },
    ownerId: { from: 'OwnerId' },
    createdAt: { from: 'CreatedDate', format: 'datetime' },
    updatedAt: { from: 'LastModifiedDate', format: 'datetime' },
    recordUrl: { link: '{instanceUrl}/lightning/r/Account/{id}/view' },
  },
};

export const salesforceUnifiedModels = [salesforceCrmContacts, salesforceCrmCompanies];
