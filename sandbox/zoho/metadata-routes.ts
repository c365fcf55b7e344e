// Who and what the token reaches: `GET /crm/v8/org` (the account id is `org[0].id`), `GET /crm/v8/users?type=…`, and
// field discovery `GET /crm/v8/settings/fields?module=…` with custom fields and each profile's permission.
import { Router } from 'express';
import type { SandboxContext } from './context';
import { formatZohoTime } from './datetime';
import { invalidModule, invalidParam, requiredParamMissing } from './errors';
import { queryText, requireScope, signedInOrg, visibilityFor } from './api-request';
import { MODULE_DEFINITIONS, isModule, jsonTypeOf, type FieldDefinition, type ModuleName } from './modules';
import { defaultLocale } from './options';
import type { Org } from './org';

const USER_TYPES = new Set(['AllUsers', 'ActiveUsers', 'DeactiveUsers', 'ConfirmedUsers', 'NotConfirmedUsers', 'DeletedUsers', 'ActiveConfirmedUsers', 'AdminUsers', 'ActiveConfirmedAdmins', 'CurrentUser']);

function orgJson(org: Org): Record<string, unknown> {
  return {
    country: defaultLocale(org.location).country,
    type: 'production',
    created_time: formatZohoTime(Math.floor(Date.UTC(2021, 2, 14, 9, 30) / 1000), org.offsetMinutes),
    domain_name: org.name,
    alias: null,
    currency: 'US Dollar - USD',
    id: org.orgId,
    time_zone: org.timeZone,
    zgid: org.zgid,
    country_code: defaultLocale(org.location).country,
    primary_zuid: org.user.zuid,
    company_name: `${org.name.charAt(0).toUpperCase()}${org.name.slice(1)} Ltd`,
    primary_email: org.user.email,
    iso_code: 'USD',
    max_per_page: 200,
    license_details: { paid: true, paid_type: 'enterprise', users_license_purchased: 10, trial_type: null, trial_expiry: null, paid_expiry: null },
  };
}

function userJson(org: Org): Record<string, unknown> {
  const { user } = org;
  return {
    id: user.id,
    zuid: user.zuid,
    first_name: user.firstName,
    last_name: user.lastName,
    full_name: `${user.firstName} ${user.lastName}`,
    email: user.email,
    status: 'active',
    confirm: true,
    role: user.role,
    profile: user.profile,
    time_zone: org.timeZone,
    locale: 'en_US',
    type__s: 'Regular User',
  };
}

function fieldJson(context: SandboxContext, org: Org, module: ModuleName, field: FieldDefinition): Record<string, unknown> {
  const hidden = visibilityFor(context, module).hidden.has(field.apiName);
  return {
    id: org.fieldIds[module][field.apiName],
    api_name: field.apiName,
    field_label: field.label,
    display_label: field.label,
    data_type: field.dataType,
    json_type: jsonTypeOf(field.dataType),
    custom_field: field.custom === true,
    system_mandatory: field.mandatory === true,
    read_only: false,
    field_read_only: field.system === true,
    visible: true,
    length: field.length ?? null,
    unique: (context.options.uniqueFields[module] ?? []).includes(field.apiName) ? { casesensitive: false } : {},
    lookup: field.lookupModule ? { module: { api_name: field.lookupModule, id: org.moduleIds[field.lookupModule] }, display_label: field.label, api_name: field.apiName } : {},
    pick_list_values: (field.picklist ?? []).map((value) => ({ display_value: value, actual_value: value, id: `${org.fieldIds[module][field.apiName]}-${value}` })),
    profiles: [
      { permission_type: 'read_write', name: 'Administrator', id: org.profiles.administrator },
      { permission_type: hidden ? 'hidden' : field.system ? 'read_only' : 'read_write', name: 'Standard', id: org.profiles.standard },
    ],
  };
}

export function metadataRoutes(context: SandboxContext): Router {
  const router = Router();

  router.get('/crm/v8/org', (_req, res) => {
    requireScope(res, 'ZohoCRM.org', 'READ');
    res.json({ org: [orgJson(signedInOrg(res))] });
  });

  router.get('/crm/v8/users', (req, res) => {
    requireScope(res, 'ZohoCRM.users', 'READ');
    const type = queryText(req, 'type') ?? 'AllUsers';
    if (!USER_TYPES.has(type)) throw invalidParam('type', 'invalid data', { supported_values: [...USER_TYPES] });
    if (type === 'DeactiveUsers' || type === 'NotConfirmedUsers' || type === 'DeletedUsers') return void res.status(204).end();
    res.json({ users: [userJson(signedInOrg(res))], info: { per_page: 200, count: 1, page: 1, more_records: false } });
  });

  router.get('/crm/v8/settings/fields', (req, res) => {
    requireScope(res, 'ZohoCRM.settings.fields', 'READ');
    const module = queryText(req, 'module');
    if (module === undefined) throw requiredParamMissing('module');
    if (!isModule(module)) throw invalidModule();
    const org = signedInOrg(res);
    res.json({ fields: MODULE_DEFINITIONS[module].fields.map((field) => fieldJson(context, org, module, field)) });
  });

  return router;
}
