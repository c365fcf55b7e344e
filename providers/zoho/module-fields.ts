// What a Zoho module's fields are for this org and this user: field metadata, less the fields the user's profile hides.
import type { AvailableField, FieldKind, ProviderHttpClient } from '../../sync';

interface FieldsAnswer {
  fields: {
    api_name: string;
    data_type: string;
    custom_field?: boolean;
    visible?: boolean;
    profiles?: { id: string; permission_type?: string }[];
  }[];
}

interface UsersAnswer {
  users?: { profile?: { id?: string } }[];
}

/** Zoho's data types as the loose kinds custom-field values are checked against; lookups are `{name, id}` objects. */
const KIND_OF_TYPE: Record<string, FieldKind> = {
  text: 'string', textarea: 'string', email: 'string', phone: 'string', website: 'string', picklist: 'string',
  autonumber: 'string', integer: 'number', bigint: 'number', double: 'number', currency: 'number', decimal: 'number',
  percent: 'number', boolean: 'boolean', date: 'date', datetime: 'datetime',
};

/**
 * The module's fields the integration user may read. Zoho leaves a field its profile hides out of record answers
 * (permission `hidden`), so such a field is not offered: a sync that wants it reports it as missing instead of reading
 * nothing for it. The profile is the current user's (`GET /users?type=CurrentUser`); two calls, made once in a while.
 */
export async function listModuleFields(http: ProviderHttpClient, module: string): Promise<AvailableField[]> {
  const { fields } = await http.get<FieldsAnswer>('/crm/v8/settings/fields', { query: { module } });
  const users = await http.get<UsersAnswer | undefined>('/crm/v8/users', { query: { type: 'CurrentUser' } });
  const profileId = users?.users?.[0]?.profile?.id;
  return fields
    .filter((field) => field.visible !== false)
    .filter((field) => field.profiles?.find((profile) => profile.id === profileId)?.permission_type !== 'hidden')
    .map((field) => ({ name: field.api_name, kind: KIND_OF_TYPE[field.data_type] ?? 'any', custom: field.custom_field === true }));
}
