// Pipedrive organizations: the companies the customer does business with.
import { z } from 'zod';
import { v2ListSync } from './v2-list-sync';

const id = z.number().int().positive();

export const pipedriveOrganizationSchema = z.looseObject({
  id,
  name: z.string().nullish(),
  owner_id: id.nullish(),
  address: z.looseObject({ value: z.string().nullish() }).nullish(),
  add_time: z.string().nullish(),
  update_time: z.string(),
  custom_fields: z.record(z.string(), z.unknown()).nullish(),
});

export const pipedriveOrganizationsSync = v2ListSync({
  model: 'organizations',
  object: 'organizations',
  fieldsPath: 'organizationFields',
  description: 'Pipedrive organizations',
  schema: pipedriveOrganizationSchema,
  defaultFrequency: '5m',
  wanted: ['name', 'owner_id', 'address', 'add_time'],
});
