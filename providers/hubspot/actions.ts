// HubSpot's built-in actions: create and update a contact through the CRM v3 objects API.
import { z } from 'zod';
import { ProviderError, defineAction, type ProviderHttpClient } from '../../sync';

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

/** Clocks of HubSpot and the worker may disagree this much; the same allowance `findExisting` makes. */
const CLOCK_ALLOWANCE_MS = 1000;

/** HubSpot refuses a second contact with one email: 409 (or 422) "Contact already exists. Existing ID: 123". */
function conflictingContactId(error: unknown): string | null {
  if (!(error instanceof ProviderError) || (error.details.status !== 409 && error.details.status !== 422)) return null;
  return /Contact already exists\. Existing ID: (\d+)/.exec(error.message)?.[1] ?? null;
}

/**
 * The contact a duplicate refusal names, if an earlier attempt of this action made it: its search lookup can miss a
 * contact made seconds ago (HubSpot's search index trails writes), but the refusal cannot, and a contact created
 * after the earlier attempt marked its write is that attempt's (its email is the one this action writes).
 */
async function ownConflictingContact(error: unknown, http: ProviderHttpClient, earlierWriteStartedAt: Date | null): Promise<{ id: string } | null> {
  if (!earlierWriteStartedAt) return null;
  const id = conflictingContactId(error);
  if (!id) return null;
  const existing = await http.get<{ id: string; createdAt?: string; properties?: { createdate?: string | null } }>(`/crm/v3/objects/contacts/${id}`, {
    query: { properties: 'createdate' },
  });
  const createdMs = Date.parse(existing.properties?.createdate ?? existing.createdAt ?? '');
  return createdMs >= earlierWriteStartedAt.getTime() - CLOCK_ALLOWANCE_MS ? { id: existing.id } : null;
}

export const hubspotCreateContact = defineAction({
  name: 'create-contact',
  description: 'Create a contact (email is required: HubSpot dedupes contacts by it). Answers its id.',
  input: z.strictObject(contactProperties),
  output: written,
  async run({ input, http, earlierWriteStartedAt }) {
    try {
      return { id: (await http.post<{ id: string }>('/crm/v3/objects/contacts', { properties: toProperties(input) })).id };
    } catch (error) {
      const own = await ownConflictingContact(error, http, earlierWriteStartedAt);
      if (own) return own;
      throw error;
    }
  },
  // Email is HubSpot's dedupe key: if an earlier attempt created the contact, searching by it finds that contact
  // (unless the search index has not caught up yet: then the write's duplicate refusal names it, see `run`).
  async findExisting({ input, http, since }) {
    const answer = await http.post<{ results: { id: string; createdAt: string }[] }>('/crm/v3/objects/contacts/search', {
      filterGroups: [{ filters: [{ propertyName: 'email', operator: 'EQ', value: input.email }] }],
      properties: ['email'],
      limit: 1,
    });
    const found = answer.results[0];
    return found && new Date(found.createdAt).getTime() >= since.getTime() - CLOCK_ALLOWANCE_MS ? { id: found.id } : null;
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
