// HubSpot companies: the organisations the customer does business with.
import { z } from 'zod';
import { crmObjectSync } from './crm-object-sync';

const text = z.string().nullable();

export const hubspotCompanySchema = z.looseObject({
  id: z.string().regex(/^\d+$/, 'must be a HubSpot object id'),
  properties: z.looseObject({
    hs_object_id: z.string(),
    name: text,
    domain: text,
    createdate: z.string(),
    hs_lastmodifieddate: z.string(),
  }),
  createdAt: z.string(),
  updatedAt: z.string(),
  archived: z.boolean(),
});

export const hubspotCompaniesSync = crmObjectSync({
  model: 'companies',
  object: 'companies',
  description: 'HubSpot companies',
  schema: hubspotCompanySchema,
  defaultFrequency: '5m',
  // Contacts keep `lastmodifieddate`; every other object type, companies included, `hs_lastmodifieddate`.
  modifiedProperty: 'hs_lastmodifieddate',
  // Version 2 added the owner, which the unified model (crm.companies) maps.
  version: 2,
  properties: ['name', 'domain', 'industry', 'phone', 'city', 'country', 'numberofemployees', 'annualrevenue', 'lifecyclestage', 'hubspot_owner_id'],
});
