// How Dynamics 365 contacts and accounts read as the unified CRM models: field by field, as data.
import type { CrmCompanyMapping, CrmContactMapping } from '../../unified-model/unified-mapping';

/** A row in the environment's own web app (the model-driven app's record form). */
const recordUrl = (logicalName: string) => ({ link: `{environmentUrl}/main.aspx?pagetype=entityrecord&etn=${logicalName}&id={id}` });

export const dynamicsCrmContacts: CrmContactMapping = {
  model: 'crm.contacts',
  from: 'contacts',
  id: 'contactid',
  fields: {
    firstName: { from: 'firstname' },
    lastName: { from: 'lastname' },
    emails: {
      list: 'email',
      items: [
        { from: 'emailaddress1', type: 'primary' },
        { from: 'emailaddress2', type: 'other' },
      ],
    },
    phones: {
      list: 'number',
      items: [
        { from: 'telephone1', type: 'work' },
        { from: 'mobilephone', type: 'mobile' },
      ],
    },
    // The parent customer (an account) is a lookup: its id only; its name is on the account, in crm.companies.
    company: { object: { id: { from: '_parentcustomerid_value' }, name: null } },
    ownerId: { from: '_ownerid_value' },
    createdAt: { from: 'createdon', format: 'datetime' },
    updatedAt: { from: 'modifiedon', format: 'datetime' },
    recordUrl: recordUrl('contact'),
  },
};

export const dynamicsCrmCompanies: CrmCompanyMapping = {
  model: 'crm.companies',
  from: 'accounts',
  id: 'accountid',
  fields: {
    name: { from: 'name' },
    domain: { from: 'websiteurl', format: 'domain' },
    // Null: Dataverse keeps the industry as a choice's number (`industrycode`), whose label comes only as a formatted-value
    // annotation the syncs do not ask for (with annotations the delta link has gone missing: powerapps-docs issue
    // #439). `industrycode` stays in the account's own record.
    industry: null,
    phones: { list: 'number', items: [{ from: 'telephone1', type: 'work' }] },
    ownerId: { from: '_ownerid_value' },
    createdAt: { from: 'createdon', format: 'datetime' },
    updatedAt: { from: 'modifiedon', format: 'datetime' },
    recordUrl: recordUrl('account'),
  },
};

export const dynamicsUnifiedModels = [dynamicsCrmContacts, dynamicsCrmCompanies];
