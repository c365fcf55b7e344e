// Salesforce Accounts: the companies the customer does business with.
import { z } from 'zod';
import { soqlSync } from './soql-sync';

export const accountSchema = z.looseObject({
  Id: z.string().regex(/^001[A-Za-z0-9]{15}$/, 'must be an 18-character Account Id'),
  Name: z.string().min(1),
  Website: z.string().nullable(),
  Industry: z.string().nullable(),
  NumberOfEmployees: z.number().int().nullable(),
  CreatedDate: z.string(),
  LastModifiedDate: z.string(),
  SystemModstamp: z.string(),
});

export const accountsSync = soqlSync({
  model: 'accounts',
  object: 'Account',
  description: 'Salesforce Accounts',
  schema: accountSchema,
  defaultFrequency: '5m',
  fields: [
    'Name', 'Type', 'Industry', 'Website', 'Phone', 'AnnualRevenue', 'NumberOfEmployees', 'BillingStreet',
    'BillingCity', 'BillingState', 'BillingPostalCode', 'BillingCountry', 'Description', 'CreatedDate',
    'LastModifiedDate',
  ],
});
