// Pipedrive's built-in actions: create and update a person through the v2 persons API.
import { z } from 'zod';
import { defineAction, type ProviderHttpClient } from '../../sync';
import { LIST_LIMIT_MAX } from './v2-list-sync';

const personFields = {
  /** Pipedrive's one required field; made of firstName and lastName when not given. */
  name: z.string().trim().min(1).max(255).optional(),
  firstName: z.string().trim().min(1).max(255).optional(),
  lastName: z.string().trim().min(1).max(255).optional(),
  email: z.email().max(255).optional(),
  phone: z.string().trim().min(1).max(255).optional(),
  organizationId: z.number().int().positive().optional(),
};

type PersonInput = { [K in keyof typeof personFields]?: z.infer<(typeof personFields)[K]> };

interface ContactPoint {
  value: string;
  primary?: boolean | null;
  label?: string | null;
}

interface Person {
  id: number;
  name?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  emails?: ContactPoint[] | null;
  phones?: ContactPoint[] | null;
  add_time?: string | null;
}

const written = z.object({ id: z.string() });

/**
 * Pipedrive stamps add_time in whole seconds, and its clock is not the worker's: a person made by an earlier attempt
 * can read as up to this much older than that attempt's mark.
 */
const CLOCK_ALLOWANCE_MS = 2000;

/** `value` as the primary one, the others kept after it (a value already there moves to the front). */
function withPrimary(points: readonly ContactPoint[] | null | undefined, value: string, label: string): ContactPoint[] {
  const others = (points ?? []).filter((point) => point.value.toLowerCase() !== value.toLowerCase());
  const existing = (points ?? []).find((point) => point.value.toLowerCase() === value.toLowerCase());
  return [{ value, primary: true, label: existing?.label ?? label }, ...others.map((point) => ({ value: point.value, primary: false, label: point.label ?? label }))];
}

const fullName = (input: PersonInput) => input.name ?? [input.firstName, input.lastName].filter(Boolean).join(' ');

export const pipedriveCreatePerson = defineAction({
  name: 'create-contact',
  description: 'Create a person (name, or firstName and/or lastName, is required). Answers its id.',
  input: z.strictObject(personFields).refine((input) => fullName(input) !== '', { message: 'give name, firstName or lastName', path: ['name'] }),
  output: written,
  async run({ input, http }) {
    const body = {
      name: fullName(input),
      ...(input.firstName !== undefined ? { first_name: input.firstName } : {}),
      ...(input.lastName !== undefined ? { last_name: input.lastName } : {}),
      ...(input.email !== undefined ? { emails: [{ value: input.email, primary: true, label: 'work' }] } : {}),
      ...(input.phone !== undefined ? { phones: [{ value: input.phone, primary: true, label: 'work' }] } : {}),
      ...(input.organizationId !== undefined ? { org_id: input.organizationId } : {}),
    };
    const answer = await http.post<{ data: Person }>('/api/v2/persons', body);
    return { id: String(answer.data.id) };
  },
  // Pipedrive has no idempotency key and refuses no duplicate. Its search trails writes by seconds, but its lists do
  // not: the persons added since the earlier attempt's mark, newest first, with this email (or, without one, name).
  async findExisting({ input, http, since }) {
    return findAddedSince(http, input, since);
  },
});

async function findAddedSince(http: ProviderHttpClient, input: PersonInput, since: Date): Promise<{ id: string } | null> {
  // Whole seconds, as add_time is stamped.
  const from = Math.floor((since.getTime() - CLOCK_ALLOWANCE_MS) / 1000) * 1000;
  const email = input.email?.toLowerCase();
  const name = fullName(input);
  let cursor: string | undefined;
  for (;;) {
    const page = await http.get<{ data: Person[] | null; additional_data?: { next_cursor?: string | null } | null }>('/api/v2/persons', {
      query: {
        sort_by: 'add_time',
        sort_direction: 'desc',
        // A person added since has been updated since, so this leaves out all the others.
        updated_since: new Date(from).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        limit: LIST_LIMIT_MAX,
        cursor,
      },
    });
    for (const person of page.data ?? []) {
      const added = Date.parse(person.add_time ?? '');
      if (!(added >= from)) return null;
      const matches = email ? (person.emails ?? []).some((point) => point.value.toLowerCase() === email) : person.name === name;
      if (matches) return { id: String(person.id) };
    }
    cursor = page.additional_data?.next_cursor ?? undefined;
    if (!cursor) return null;
  }
}

export const pipedriveUpdatePerson = defineAction({
  name: 'update-contact',
  description: "Update a person's fields; email and phone become its primary ones (the others stay). Answers its id.",
  input: z.strictObject({ id: z.string().regex(/^\d{1,15}$/, 'must be a Pipedrive person id'), ...personFields }),
  output: written,
  // Setting the same values again changes nothing more.
  idempotent: true,
  async run({ input, http }) {
    const { id, ...fields } = input;
    // Emails and phones are written whole: the person's current ones are read so that the others stay.
    const current = fields.email !== undefined || fields.phone !== undefined ? (await http.get<{ data: Person }>(`/api/v2/persons/${id}`)).data : null;
    const body = {
      ...(fields.name !== undefined ? { name: fields.name } : {}),
      ...(fields.firstName !== undefined ? { first_name: fields.firstName } : {}),
      ...(fields.lastName !== undefined ? { last_name: fields.lastName } : {}),
      ...(fields.email !== undefined ? { emails: withPrimary(current?.emails, fields.email, 'work') } : {}),
      ...(fields.phone !== undefined ? { phones: withPrimary(current?.phones, fields.phone, 'work') } : {}),
      ...(fields.organizationId !== undefined ? { org_id: fields.organizationId } : {}),
    };
    await http.request('PATCH', `/api/v2/persons/${id}`, { body });
    return { id };
  },
});

export const pipedriveActions = [pipedriveCreatePerson, pipedriveUpdatePerson];
