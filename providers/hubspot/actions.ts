// HubSpot's built-in actions: create and update a contact through the CRM v3 objects API.
import { z } from 'zod';
import { defineAction } from '../../sync';

const contactProperties = {
  email: z.email(),
  firstName: z.string().max(100).optional(),
  lastName: z.string().max(100).optional(),
  phone: z.string().max(50).optional(),
  jobTitle: z.string().max(100).optional(),
  company: z.string().max(100).optional(),
};

const toProperties = (input: Partial<Record<keyof typeof contactProperties, string | undefined>>) =>
  Object.fromEntries(
    Object.entries({ email: input.email, firstname: input.firstName, lastname: input.lastName, phone: input.phone, jobtitle: input.jobTitle, company: input.company })
      .filter(([, value]) => value !== undefined),
  );

const written = z.object({ id: z.string() });

export const hubspotCreateContact = defineAction({
  name: 'create-contact',
  description: 'Create a contact (email is required: HubSpot dedupes contacts by it). Answers its id.',
  input: z.strictObject(contactProperties),
  output: written,
  async run({ input, http }) {
    return { id: (await http.post<{ id: string }>('/crm/v3/objects/contacts', { properties: toProperties(input) })).id };
  },
  // Email is HubSpot's dedupe key: if an earlier attempt created the contact, searching by it finds that contact.
  async findExisting({ input, http, since }) {
    const answer = await http.post<{ results: { id: string; createdAt: string }[] }>('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: input.email }] }],
      properties: ['email'],
      limit: 1,
    });
    const found = answer.results[0];
    return found && new Date(found.createdAt).getTime() >= since.getTime() - 1000 ? { id: found.id } : null;
  },
});

export const hubspotUpdateContact = defineAction({
  name: 'update-contact',
  description: "Update a contact's properties. Answers its id.",
  input: z.strictObject({ id: z.string().regex(/^\d+$/, 'must be a HubSpot object id'), ...contactProperties, email: contactProperties.email.optional() }),
  output: written,
  idempotent: true,
  async run({ input, http }) {
    const { id, ...properties } = input;
    await http.request('PATCH', `/crm/v3/objects/contacts/${id}`, { body: { properties: toProperties(properties) } });
    return { id };
  },
});

export const hubspotActions = [hubspotCreateContact, hubspotUpdateContact];
