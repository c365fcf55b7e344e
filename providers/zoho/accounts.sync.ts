// Zoho CRM Accounts: the organisations the customer does business with.
import { z } from 'zod';
import { zohoModuleSync } from './module-sync';
import { zohoId, zohoLookup, zohoText as text } from './record-schema';

export const zohoAccountSchema = z.looseObject({
  id: zohoId,
  Account_Name: z.string().min(1),
  Website: text,
  Owner: zohoLookup,
  Created_Time: text,
  Modified_Time: z.string(),
});

export const zohoAccountsSync = zohoModuleSync({
  model: 'accounts',
  module: 'Accounts',
  description: 'Zoho CRM Accounts',
  schema: zohoAccountSchema,
  defaultFrequency: '5m',
  required: ['Account_Name'],
  fields: ['Account_Number', 'Website', 'Phone', 'Industry', 'Employees', 'Annual_Revenue', 'Billing_City', 'Billing_Country', 'Owner', 'Created_Time'],
});
