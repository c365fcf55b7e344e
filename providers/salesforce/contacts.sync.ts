// Salesforce Contacts: people at the customer's accounts.
import { z } from 'zod';
import { soqlSync } from './soql-sync';

// Absent when the org hides the field from the integration user (the run reports it as missing), else null or text.
const nullableText = z.string().nullish();

export const contactSchema = z.looseObject({
  Id: z.string().regex(/^003[A-Za-z0-9]{15}$/, 'must be an 18-character Contact Id'),
  AccountId: z.string().regex(/^001[A-Za-z0-9]{15}$/).nullish(),
  FirstName: nullableText,
  LastName: z.string().min(1),
  Email: nullableText,
  Phone: nullableText,
  Title: nullableText,
  CreatedDate: nullableText,
  LastModifiedDate: nullableText,
  SystemModstamp: z.string(),
});

export const contactsSync = soqlSync({
  model: 'contacts',
  object: 'Contact',
  description: 'Salesforce Contacts',
  schema: contactSchema,
  defaultFrequency: '5m',
  required: ['LastName'],
  // Version 2 added OwnerId, which the unified model (crm.contacts) maps.
  version: 2,
  fields: [
    'AccountId', 'OwnerId', 'Salutation', 'FirstName', 'Title', 'Email', 'Phone', 'MobilePhone', 'Department',
    'LeadSource', 'MailingStreet', 'MailingCity', 'MailingState', 'MailingPostalCode', 'MailingCountry', 'Birthdate',
    'CreatedDate', 'LastModifiedDate',
  ],
});
