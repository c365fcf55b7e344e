// Zoho CRM's built-in actions: create and update a contact through the records API (one-record write envelopes).
import { z } from 'zod';
import { defineAction, ProviderError, type ProviderHttpClient } from '../../sync';
import { zohoId } from './record-schema';
import { ifModifiedSince, zohoSeconds } from './zoho-time';

const contactFields = {
  firstName: z.string().max(40).optional(),
  lastName: z.string().min(1).max(80),
  email: z.email().max(100).optional(),
  phone: z.string().max(30).optional(),
  mobile: z.string().max(30).optional(),
  title: z.string().max(100).optional(),
  accountId: zohoId.optional(),
};

type ContactInput = Partial<Record<keyof typeof contactFields, string | undefined>>;

const toContactFields = (input: ContactInput) =>
  Object.fromEntries(
    Object.entries({
      First_Name: input.firstName,
      Last_Name: input.lastName,
      Email: input.email,
      Phone: input.phone,
      Mobile: input.mobile,
      Title: input.title,
      Account_Name: input.accountId === undefined ? undefined : { id: input.accountId },
    }).filter(([, value]) => value !== undefined),
  );

const written = z.object({ id: z.string() });

/** Zoho's clock and the worker's may disagree this much, and Created_Time has whole seconds. */
const CLOCK_ALLOWANCE_MS = 5_000;

interface WriteAnswer {
  data?: { code?: string; status?: string; message?: string; details?: { id?: string } }[];
}

/**
 * The one record's outcome of a write envelope. Zoho answers a batch whose records all failed with a 400 (a
 * ProviderError already); a 2xx whose record did not succeed is refused here, naming Zoho's code.
 */
function writtenId(answer: WriteAnswer | undefined, what: string): string {
  const outcome = answer?.data?.[0];
  if (outcome?.status === 'success' && typeof outcome.details?.id === 'string') return outcome.details.id;
  throw new ProviderError('permanent', `Zoho did not ${what} the contact (${outcome?.code ?? 'no answer for the record'}: ${outcome?.message ?? ''})`);
}

interface ListAnswer {
  data: { id: string; Email?: string | null; First_Name?: string | null; Last_Name?: string | null; Created_Time?: string }[];
  info?: { more_records?: boolean; next_page_token?: string | null };
}

/**
 * The contact an earlier attempt created, if any: the live listing (not search, whose index trails writes) of contacts
 * modified since the attempt, newest created first, until one created before it. Matched by email, or by name
 * when the input has none.
 */
async function contactCreatedSince(http: ProviderHttpClient, input: ContactInput, since: Date): Promise<{ id: string } | null> {
  const sinceSec = Math.floor((since.getTime() - CLOCK_ALLOWANCE_MS) / 1000);
  const same = (a: string | null | undefined, b: string | undefined) => (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase();
  let pageToken: string | undefined;
  for (;;) {
    let answer: ListAnswer | undefined;
    try {
      answer = await http.get<ListAnswer | undefined>('/crm/v8/Contacts', {
        query: { fields: 'First_Name,Last_Name,Email,Created_Time', sort_by: 'Created_Time', sort_order: 'desc', per_page: 200, page_token: pageToken },
        headers: { 'If-Modified-Since': ifModifiedSince(sinceSec - 1) },
      });
    } catch (error) {
      // 304: nothing was modified since, so nothing was created.
      if (error instanceof ProviderError && error.details.status === 304) return null;
      throw error;
    }
    for (const contact of answer?.data ?? []) {
      if (zohoSeconds(contact.Created_Time, `contact ${contact.id} Created_Time`) < sinceSec) return null;
      const matches = input.email ? same(contact.Email, input.email) : same(contact.Last_Name, input.lastName) && same(contact.First_Name, input.firstName);
      if (matches) return { id: contact.id };
    }
    pageToken = answer?.info?.more_records ? (answer.info.next_page_token ?? undefined) : undefined;
    if (!pageToken) return null;
  }
}

export const zohoCreateContact = defineAction({
  name: 'create-contact',
  description: 'Create a contact (last name required). Answers its id.',
  input: z.strictObject(contactFields),
  output: written,
  async run({ input, http }) {
    // Without `trigger` Zoho runs the org's workflow, approval and blueprint rules, as for a contact made in its UI.
    return { id: writtenId(await http.post<WriteAnswer>('/crm/v8/Contacts', { data: [toContactFields(input)] }), 'create') };
  },
  // No idempotency key: after an attempt whose answer was lost, look for the contact it would have made.
  findExisting: ({ input, http, since }) => contactCreatedSince(http, input, since),
});

export const zohoUpdateContact = defineAction({
  name: 'update-contact',
  description: "Update a contact's fields. Answers its id.",
  input: z.strictObject({ id: zohoId, ...contactFields, lastName: contactFields.lastName.optional() }),
  output: written,
  // Setting the same values again changes nothing more.
  idempotent: true,
  async run({ input, http }) {
    const { id, ...fields } = input;
    const { body } = await http.request<WriteAnswer>('PUT', `/crm/v8/Contacts/${id}`, { body: { data: [toContactFields(fields)] } });
    return { id: writtenId(body, 'update') };
  },
});

export const zohoActions = [zohoCreateContact, zohoUpdateContact];
