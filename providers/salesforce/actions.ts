// Salesforce's built-in actions: create and update a Contact, create an Account, through the sObject REST API.
import { z } from 'zod';
import { defineAction, type ProviderHttpClient } from '../../sync';
import { SALESFORCE_API_PATH as API } from './api-version';

const contactFields = {
  firstName: z.string().max(40).optional(),
  lastName: z.string().min(1).max(80),
  email: z.email().optional(),
  phone: z.string().max(40).optional(),
  title: z.string().max(128).optional(),
  accountId: z.string().regex(/^001[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'must be a Salesforce Account id').optional(),
};

const toContactFields = (input: Partial<Record<keyof typeof contactFields, string | undefined>>) =>
  Object.fromEntries(
    Object.entries({ FirstName: input.firstName, LastName: input.lastName, Email: input.email, Phone: input.phone, Title: input.title, AccountId: input.accountId })
      .filter(([, value]) => value !== undefined),
  );

const created = z.object({ id: z.string() });

/** SOQL string literal: backslash and quote escaped. */
const soqlString = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
/** SOQL datetimes are unquoted literals. */
const soqlDateTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

async function findCreatedSince(http: ProviderHttpClient, object: string, where: string, since: Date): Promise<{ id: string } | null> {
  const q = `SELECT Id FROM ${object} WHERE ${where} AND CreatedDate >= ${soqlDateTime(new Date(since.getTime() - 1000))} ORDER BY CreatedDate LIMIT 1`;
  const answer = await http.get<{ records: { Id: string }[] }>(`${API}/query`, { query: { q } });
  return answer.records[0] ? { id: answer.records[0].Id } : null;
}

export const salesforceCreateContact = defineAction({
  name: 'create-contact',
  description: 'Create a Contact. Answers its id.',
  input: z.strictObject(contactFields),
  output: created,
  async run({ input, http }) {
    const answer = await http.post<{ id: string; success: boolean }>(`${API}/sobjects/Contact/`, toContactFields(input));
    return { id: answer.id };
  },
  // Salesforce has no idempotency key: after an attempt whose answer was lost, look for the contact it would have made.
  async findExisting({ input, http, since }) {
    const where = input.email ? `Email = ${soqlString(input.email)}` : `LastName = ${soqlString(input.lastName)}`;
    return findCreatedSince(http, 'Contact', where, since);
  },
});

export const salesforceUpdateContact = defineAction({
  name: 'update-contact',
  description: "Update a Contact's fields. Answers its id.",
  input: z.strictObject({ id: z.string().regex(/^003[A-Za-z0-9]{12}(?:[A-Za-z0-9]{3})?$/, 'must be a Salesforce Contact id'), ...contactFields, lastName: contactFields.lastName.optional() }),
  output: created,
  // Setting the same values again changes nothing more.
  idempotent: true,
  async run({ input, http }) {
    const { id, ...fields } = input;
    await http.request('PATCH', `${API}/sobjects/Contact/${id}`, { body: toContactFields(fields) });
    return { id };
  },
});

export const salesforceCreateAccount = defineAction({
  name: 'create-account',
  description: 'Create an Account. Answers its id.',
  input: z.strictObject({
    name: z.string().min(1).max(255),
    website: z.string().max(255).optional(),
    phone: z.string().max(40).optional(),
    industry: z.string().max(40).optional(),
  }),
  output: created,
  async run({ input, http }) {
    const fields = Object.fromEntries(
      Object.entries({ Name: input.name, Website: input.website, Phone: input.phone, Industry: input.industry }).filter(([, v]) => v !== undefined),
    );
    return { id: (await http.post<{ id: string }>(`${API}/sobjects/Account/`, fields)).id };
  },
  async findExisting({ input, http, since }) {
    return findCreatedSince(http, 'Account', `Name = ${soqlString(input.name)}`, since);
  },
});

export const salesforceActions = [salesforceCreateContact, salesforceUpdateContact, salesforceCreateAccount];
