// HubSpot contacts: the people in the customer's CRM.
import { z } from 'zod';
import { crmObjectSync } from './crm-object-sync';

const text = z.string().nullable();

export const hubspotContactSchema = z.looseObject({
  id: z.string().regex(/^\d+$/, 'must be a HubSpot object id'),
  properties: z.looseObject({
    hs_object_id: z.string(),
    email: text,
    firstname: text,
    lastname: text,
    createdate: z.string(),
    lastmodifieddate: z.string(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean(),
});

export const hubspotContactsSync = crmObjectSync({
  model: 'contacts',
  object: 'contacts',
  description: 'HubSpot contacts',
  schema: hubspotContactSchema,
  defaultFrequency: '5m',
  modifiedProperty: 'lastmodifieddate',
  // Version 2 added what the unified model (crm.contacts) maps: further emails, mobile phone, company and owner.
  version: 2,
  properties: [
    'email', 'firstname', 'lastname', 'phone', 'jobtitle', 'company', 'city', 'country', 'lifecyclestage',
    'hs_additional_emails', 'mobilephone', 'associatedcompanyid', 'hubspot_owner_id',
  ],
});
