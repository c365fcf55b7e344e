// Dynamics 365's built-in actions: create and update a contact through the Dataverse Web API.
import { z } from 'zod';
import { defineAction, type ProviderHttpClient } from '../../sync';
import { GUID_PATTERN, ODATA_HEADERS, odataString } from './web-api';

const guid = (what: string) => z.string().regex(GUID_PATTERN, `must be a Dataverse ${what} id (a GUID)`);

const contactFields = {
  firstName: z.string().max(50).optional(),
  // lastname is the one column a contact form requires (ApplicationRequired).
  lastName: z.string().min(1).max(50),
  email: z.email().max(100).optional(),
  phone: z.string().max(50).optional(),
  mobilePhone: z.string().max(50).optional(),
  jobTitle: z.string().max(100).optional(),
  /** The account the contact works for: its parent customer. */
  companyId: guid('account').optional(),
};

type ContactInput = Partial<Record<keyof typeof contactFields, string | undefined>>;

const toColumns = (input: ContactInput) =>
  Object.fromEntries(
    Object.entries({
      firstname: input.firstName,
      lastname: input.lastName,
      emailaddress1: input.email,
      telephone1: input.phone,
      mobilephone: input.mobilePhone,
      jobtitle: input.jobTitle,
      // A lookup is written by binding the navigation property to the row (MS Web API contact EntityType).
      'parentcustomerid_account@odata.bind': input.companyId ? `/accounts(${input.companyId.toLowerCase()})` : undefined,
    }).filter(([, value]) => value !== undefined),
  );

const written = z.object({ id: z.string() });

/** Clocks of Dataverse and the worker may disagree this much; createdon keeps whole seconds. */
const CLOCK_ALLOWANCE_MS = 2000;

/** OData datetimes are unquoted ISO 8601 UTC literals. */
const odataDateTime = (date: Date) => date.toISOString().replace(/\.\d{3}Z$/, 'Z');

export const dynamicsCreateContact = defineAction({
  name: 'create-contact',
  description: 'Create a contact (lastName is required; companyId links its account). Answers its id.',
  input: z.strictObject(contactFields),
  output: written,
  async run({ input, http }) {
    // `return=representation` answers the new row (201), so its id is read from the body, not the OData-EntityId header.
    const answer = await http.request<{ contactid: string }>('POST', 'contacts', {
      body: toColumns(input),
      headers: { ...ODATA_HEADERS, Prefer: 'return=representation' },
      query: { $select: 'contactid' },
    });
    return { id: answer.body.contactid.toLowerCase() };
  },
  // No idempotency key in the Web API: after an attempt whose answer was lost, look for the contact it would have made,
  // created since that attempt began, by its e-mail (or its name when it has none).
  async findExisting({ input, http, since }) {
    return findCreatedSince(http, input, since);
  },
});

async function findCreatedSince(http: ProviderHttpClient, input: ContactInput, since: Date): Promise<{ id: string } | null> {
  const match = input.email
    ? `emailaddress1 eq ${odataString(input.email)}`
    : `lastname eq ${odataString(input.lastName ?? '')}${input.firstName ? ` and firstname eq ${odataString(input.firstName)}` : ''}`;
  const answer = await http.get<{ value: { contactid: string }[] }>('contacts', {
    headers: ODATA_HEADERS,
    query: {
      $select: 'contactid,createdon',
      $filter: `${match} and createdon ge ${odataDateTime(new Date(since.getTime() - CLOCK_ALLOWANCE_MS))}`,
      $orderby: 'createdon asc,contactid asc',
      $top: 1,
    },
  });
  const found = answer.value[0];
  return found ? { id: found.contactid.toLowerCase() } : null;
}

export const dynamicsUpdateContact = defineAction({
  name: 'update-contact',
  description: "Update a contact's columns. Answers its id.",
  input: z.strictObject({ id: guid('contact'), ...contactFields, lastName: contactFields.lastName.optional() }),
  output: written,
  // Setting the same values again changes nothing more.
  idempotent: true,
  async run({ input, http }) {
    const { id, ...fields } = input;
    // A PATCH creates a row that does not exist (upsert) unless `If-Match: *` says it must: a deleted contact is a 404.
    await http.request('PATCH', `contacts(${id.toLowerCase()})`, { body: toColumns(fields), headers: { ...ODATA_HEADERS, 'If-Match': '*' } });
    return { id: id.toLowerCase() };
  },
});

export const dynamicsActions = [dynamicsCreateContact, dynamicsUpdateContact];
