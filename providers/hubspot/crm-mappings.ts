// How HubSpot contacts and companies read as the unified CRM models: field by field, as data.
import type { CrmCompanyMapping, CrmContactMapping } from '../../unified-model/unified-mapping';

export const hubspotCrmContacts: CrmContactMapping = {
  model: 'crm.contacts',
  from: 'contacts',
  id: 'id',
  fields: {
    firstName: { from: 'properties.firstname' },
    lastName: { from: 'properties.lastname' },
    // HubSpot keeps one primary address and any others in one property, separated by ";".
    emails: {
      list: 'email',
      items: [
        { from: 'properties.email', type: 'primary' },
        { from: 'properties.hs_additional_emails', type: 'other', split: ';' },
      ],
      firstType: 'primary',
    },
    phones: {
      list: 'number',
      items: [
        { from: 'properties.phone', type: 'work' },
        { from: 'properties.mobilephone', type: 'mobile' },
      ],
    },
    // `company` is the contact's own company-name field; `associatedcompanyid` the primary associated company.
    company: { object: { id: { from: 'properties.associatedcompanyid' }, name: { from: 'properties.company' } } },
    ownerId: { from: 'properties.hubspot_owner_id' },
    createdAt: { from: 'createdAt', format: 'datetime' },
    updatedAt: { from: 'updatedAt', format: 'datetime' },
    // 0-1 is HubSpot's object type id for contacts.
    recordUrl: { link: 'https://app.hubspot.com/contacts/{accountId}/record/0-1/{id}' },
  },
};

export const hubspotCrmCompanies: CrmCompanyMapping = {
  model: 'crm.companies',
  from: 'companies',
  id: 'id',
  fields: {
    name: { from: 'properties.name' },
    domain: { from: 'properties.domain', format: 'domain' },
    industry: { from: 'properties.industry' },
    phones: { list: 'number', items: [{ from: 'properties.phone', type: 'work' }] },
    ownerId: { from: 'properties.hubspot_owner_id' },
    createdAt: { from: 'createdAt', format: 'datetime' },
    updatedAt: { from: 'updatedAt', format: 'datetime' },
    // 0-2 is HubSpot's object type id for companies.
    recordUrl: { link: 'https://app.hubspot.com/contacts/{accountId}/record/0-2/{id}' },
  },
};

export const hubspotUnifiedModels = [hubspotCrmContacts, hubspotCrmCompanies];
