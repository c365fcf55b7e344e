// How Pipedrive persons and organizations read as the unified CRM models: field by field, as data.
import type { CrmCompanyMapping, CrmContactMapping } from '../../unified-model/unified-mapping';

export const pipedriveCrmContacts: CrmContactMapping = {
  model: 'crm.contacts',
  from: 'persons',
  id: 'id',
  fields: {
    firstName: { from: 'first_name' },
    lastName: { from: 'last_name' },
    // A list of {value, primary, label}: the one marked primary comes first, whatever its place.
    emails: { list: 'email', items: [{ from: 'emails', type: 'other', each: { value: 'value', primary: 'primary' } }], firstType: 'primary' },
    phones: {
      list: 'number',
      items: [{ from: 'phones', type: 'other', each: { value: 'value', primary: 'primary', typeBy: { key: 'label', types: { work: 'work', mobile: 'mobile' } } } }],
    },
    // v2 names the organization by id only: its name is on the organization (read crm.companies by company.id).
    company: { object: { id: { from: 'org_id' }, name: null } },
    ownerId: { from: 'owner_id' },
    createdAt: { from: 'add_time', format: 'datetime' },
    updatedAt: { from: 'update_time', format: 'datetime' },
    // The API domain is the company's own web app host.
    recordUrl: { link: '{instanceUrl}/person/{id}' },
  },
};

export const pipedriveCrmCompanies: CrmCompanyMapping = {
  model: 'crm.companies',
  from: 'organizations',
  id: 'id',
  fields: {
    name: { from: 'name' },
    // Pipedrive has no standard website or industry field for organizations (companies add custom ones).
    domain: null,
    industry: null,
    phones: { list: 'number', items: [] },
    ownerId: { from: 'owner_id' },
    createdAt: { from: 'add_time', format: 'datetime' },
    updatedAt: { from: 'update_time', format: 'datetime' },
    recordUrl: { link: '{instanceUrl}/organization/{id}' },
  },
};

export const pipedriveUnifiedModels = [pipedriveCrmContacts, pipedriveCrmCompanies];
