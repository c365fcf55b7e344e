// What every Zoho CRM record has, as the syncs' schemas check it: string ids and `{name, id}` lookups.
import { z } from 'zod';

/** Record ids are 19-digit numbers, sent as strings (beyond JavaScript's safe integers). */
export const zohoId = z.string().regex(/^\d{1,20}$/, 'must be a Zoho record id');

/** Lookups (`Account_Name` on a contact, `Owner`) are `{name, id}` objects, null when unset. */
export const zohoLookup = z.looseObject({ id: zohoId, name: z.string().nullish() }).nullish();

/** Absent when the user's profile hides the field, else null or text. */
export const zohoText = z.string().nullish();
