// Pipedrive persons: the people in the customer's CRM.
import { z } from 'zod';
import { v2ListSync } from './v2-list-sync';

/** `emails` and `phones` are lists of `{value, primary, label}`. */
const contactPoints = z.array(z.looseObject({ value: z.string(), primary: z.boolean().nullish(), label: z.string().nullish() })).nullish();
const id = z.number().int().positive();

export const pipedrivePersonSchema = z.looseObject({
  id,
  name: z.string().nullish(),
  first_name: z.string().nullish(),
  last_name: z.string().nullish(),
  // v2 gives related ids as plain integers (v1 nested objects there).
  owner_id: id.nullish(),
  org_id: id.nullish(),
  emails: contactPoints,
  phones: contactPoints,
  add_time: z.string().nullish(),
  update_time: z.string(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
});

export const pipedrivePersonsSync = v2ListSync({
  model: 'persons',
  object: 'persons',
  fieldsPath: 'personFields',
  description: 'Pipedrive persons',
  schema: pipedrivePersonSchema,
  defaultFrequency: '5m',
  wanted: ['name', 'first_name', 'last_name', 'emails', 'phones', 'org_id', 'owner_id', 'add_time'],
});
