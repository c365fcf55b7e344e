// Zoho CRM Contacts: the people in the customer's CRM.
import { z } from 'zod';
import { zohoModuleSync } from './module-sync';
import { zohoId, zohoLookup, zohoText as text } from './record-schema';

export const zohoContactSchema = z.looseObject({
  id: zohoId,
  First_Name: text,
  Last_Name: z.string().min(1),
  Email: text,
  Account_Name: zohoLookup,
  Owner: zohoLookup,
  Created_Time: text,
  Modified_Time: z.string(),
});

export const zohoContactsSync = zohoModuleSync({
  model: 'contacts',
  module: 'Contacts',
  description: 'Zoho CRM Contacts',
  schema: zohoContactSchema,
  defaultFrequency: '5m',
  required: ['Last_Name'],
  fields: [
    'First_Name', 'Email', 'Secondary_Email', 'Phone', 'Mobile', 'Title', 'Department', 'Account_Name', 'Owner',
    'Mailing_City', 'Mailing_Country', 'Lead_Source', 'Created_Time',
  ],
});
