// Salesforce Accounts: the companies the customer does business with.
import { z } from 'zod';
import { soqlSync } from './soql-sync';

export const accountSchema = z.looseObject({
  Id: z.string().regex(/^001[A-Za-z0-9]{15}$/, 'must be an 18-character Account Id'),
  Name: z.string().min(1),
  // Absent when the org hides the field from the integration user (the run reports it as missing).
  Website: z.string().nullish(),
  Industry: z.string().nullish(),
  NumberOfEmployees: z.number().int().nullish(),
  CreatedDate: z.string().nullish(),
  LastModifiedDate: z.string().nullish(),
  SystemModstamp: z.string(),
});

export const accountsSync = soqlSync({
  model: 'accounts',
  object: 'Account',
  description: 'Salesforce Accounts',
  schema: accountSchema,
  defaultFrequency: '5m',
  required: ['Name'],
  // Version 2 added OwnerId, which the unified model (crm.companies) maps.
  version: 2,
  fields: [
    'OwnerId', 'Type', 'Industry', 'Website', 'Phone', 'AnnualRevenue', 'NumberOfEmployees', 'BillingStreet',
    'BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry', 'Description', 'CreatedDate',
    'LastModifiedDate',
  ],
});
