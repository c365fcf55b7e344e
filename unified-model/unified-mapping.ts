// Declarative field mappings from a provider model's stored records to a unified model, and the one function that
// applies them: a provider says where each unified field comes from as data; this file knows no provider.
import type { CrmCompany, CrmContact, UnifiedModelName } from './unified-crm';

/** A dot path into the stored record: `FirstName`, `properties.firstname`. */
export type FieldPath = string;

/**
 * How a value is read. `text`: trimmed, empty is null. `datetime`: any ISO 8601 spelling (Salesforce's `+0000`
 * included) to UTC `…Z`. `domain`: a web address or bare host to its host name without `www.`.
 */
export type ValueFormat = 'text' | 'datetime' | 'domain';

/** One value from one field. */
export interface ValueRule {
  from: FieldPath;
  format?: ValueFormat;
}

/**
 * A list built from several fields (or one field holding several values split on a separator, or a list of objects),
 * in order, de-duplicated.
 */
export interface ListRule {
  /** The key each item's value goes under: `email`, `number`. */
  list: string;
  items: ListItemSource[];
  /** The first item found takes this type whatever its field's: the primary email is whichever the CRM lists first. */
  firstType?: string;
}

/** Where list items come from: one field (`type` is each item's type), or each object of a list field (`each`). */
export interface ListItemSource {
  from: FieldPath;
  type: string;
  split?: string;
  /** `from` is a list of objects (Pipedrive's `emails: [{value, label, primary}]`): read each one so. */
  each?: ObjectListItems;
}

export interface ObjectListItems {
  /** The key of an object's value. */
  value: string;
  /** The key that is `true` on the one the CRM calls primary: that object comes first, whatever its place. */
  primary?: string;
  /** An object's type by the value of this key (its label), where `types` names it; `type` otherwise. */
  typeBy?: { key: string; types: Record<string, string> };
}

/** A nested object of values; null when every one of them is null. A part the provider has no field for is null. */
export interface ObjectRule {
  object: Record<string, ValueRule | null>;
}

/**
 * A link to the record in the CRM's web app: `{instanceUrl}` and `{accountId}` come from the connection, `{id}` is
 * the record's id. Left out when any of them is unknown.
 */
export interface LinkRule {
  link: string;
}

/** A provider's connect inputs (`{environmentUrl}`) are placeholders too (see MappingContext.connectInputs). */
export const LINK_PLACEHOLDERS = ['id', 'instanceUrl', 'accountId'];

export type FieldRule = ValueRule | ListRule | ObjectRule | LinkRule;

/**
 * A rule for every field, but a link is optional: some CRMs' record links need what no connection knows (Zoho's web
 * host and org domain name), and then the unified record simply has no `recordUrl`. `null` where the provider has no
 * such field at all (the field reads null).
 */
type RulesFor<T> = { [K in keyof Omit<T, 'id' | 'provider' | 'recordUrl'>]-?: FieldRule | null } & { recordUrl?: LinkRule };

interface MappingOf<M extends UnifiedModelName, T> {
  model: M;
  /** The provider model whose stored records (and changes feed) the unified model is read from. */
  from: string;
  /** Where the record's id is (the stored record's external id is used when absent). */
  id?: FieldPath;
  fields: RulesFor<T>;
}

export type CrmContactMapping = MappingOf<'crm.contacts', CrmContact>;
export type CrmCompanyMapping = MappingOf<'crm.companies', CrmCompany>;
export type UnifiedModelMapping = CrmContactMapping | CrmCompanyMapping;

/** What the connection knows that a record does not: for record links. */
export interface MappingContext {
  provider: string;
  /** The connection's API host (Salesforce's instance URL); null when not known. */
  instanceUrl: string | null;
  /** The provider's id of the customer's account (a HubSpot portal id); null when not known. */
  accountId: string | null;
  /** The connection's connect inputs (Dynamics' `environmentUrl`), each a link placeholder of its own name. */
  connectInputs?: Readonly<Record<string, string>>;
}

/** The unified record of one stored provider record. */
export function mapRecord(mapping: UnifiedModelMapping, externalId: string, data: Record<string, unknown>, context: MappingContext): Record<string, unknown> {
  const id = (mapping.id && readText(data, mapping.id)) || externalId;
  const mapped: Record<string, unknown> = { id, provider: context.provider };
  for (const [field, rule] of Object.entries(mapping.fields) as [string, FieldRule | null][]) {
    const value = rule === null ? null : applyRule(rule, data, id, context);
    if (value !== undefined) mapped[field] = value;
  }
  return mapped;
}

function applyRule(rule: FieldRule, data: Record<string, unknown>, id: string, context: MappingContext): unknown {
  if ('link' in rule) return recordLink(rule.link, id, context);
  if ('list' in rule) return readList(rule, data);
  if ('object' in rule) {
    const entries = Object.entries(rule.object).map(([key, value]) => [key, value ? readValue(value, data) : null] as const);
    return entries.every(([, value]) => value === null) ? null : Object.fromEntries(entries);
  }
  return readValue(rule, data);
}

function readValue(rule: ValueRule, data: Record<string, unknown>): string | null {
  const raw = readText(data, rule.from);
  if (raw === null) return null;
  switch (rule.format ?? 'text') {
    case 'text':
      return raw;
    case 'datetime':
      return toIsoInstant(raw);
    case 'domain':
      return toDomain(raw);
  }
}

function readList(rule: ListRule, data: Record<string, unknown>): Record<string, string>[] {
  const seen = new Set<string>();
  const items: Record<string, string>[] = [];
  for (const source of rule.items) {
    for (const { value: part, type: sourceType } of itemsOf(source, data)) {
      const value = part.trim();
      if (!value || seen.has(value.toLowerCase())) continue;
      seen.add(value.toLowerCase());
      const type = items.length === 0 && rule.firstType ? rule.firstType : sourceType;
      items.push({ [rule.list]: value, type });
    }
  }
  return items;
}

/** One source's values and their types, in the order the list takes them. */
function itemsOf(source: ListItemSource, data: Record<string, unknown>): { value: string; type: string }[] {
  if (!source.each) {
    const raw = readText(data, source.from);
    if (raw === null) return [];
    return (source.split ? raw.split(source.split) : [raw]).map((value) => ({ value, type: source.type }));
  }
  const { value: valueKey, primary, typeBy } = source.each;
  const list = readAt(data, source.from);
  if (!Array.isArray(list)) return [];
  const objects = list.filter((item): item is Record<string, unknown> => item !== null && typeof item === 'object' && !Array.isArray(item));
  // A stable sort: the primary one first, the others in the CRM's order.
  const ordered = primary ? [...objects].sort((a, b) => Number(b[primary] === true) - Number(a[primary] === true)) : objects;
  return ordered.flatMap((item) => {
    const value = readText(item, valueKey);
    if (value === null) return [];
    const label = typeBy ? readText(item, typeBy.key) : null;
    const type = label !== null && typeBy && Object.hasOwn(typeBy.types, label.toLowerCase()) ? typeBy.types[label.toLowerCase()] : source.type;
    return [{ value, type }];
  });
}

function recordLink(template: string, id: string, context: MappingContext): string | undefined {
  const known: Record<string, string | null> = {
    // An environment URL is an origin, checked when the connection was made: as it is, without a trailing slash.
    ...Object.fromEntries(Object.entries(context.connectInputs ?? {}).map(([name, value]) => [name, value.replace(/\/+$/, '')])),
    id: encodeURIComponent(id),
    instanceUrl: context.instanceUrl ? context.instanceUrl.replace(/\/+$/, '') : null,
    accountId: context.accountId ? encodeURIComponent(context.accountId) : null,
  };
  let complete = true;
  const link = template.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = known[name] ?? null;
    if (value === null) complete = false;
    return value ?? '';
  });
  return complete ? link : undefined;
}

/** Whatever is at the path; undefined where it leads nowhere. */
function readAt(data: Record<string, unknown>, path: FieldPath): unknown {
  let value: unknown = data;
  for (const key of path.split('.')) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, key)) return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A non-empty string (or a number, HubSpot ids aside) at the path; anything else is null. */
function readText(data: Record<string, unknown>, path: FieldPath): string | null {
  const value = readAt(data, path);
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  if (typeof value !== 'string') return null;
  const trimmed = value.trim();
  return trimmed === '' ? null : trimmed;
}

/** `2026-01-05T10:00:00.000+0000` (Salesforce), `…Z` (HubSpot) or epoch milliseconds as text, to `…Z`; unreadable is null. */
export function toIsoInstant(raw: string): string | null {
  const spelled = /^\d+$/.test(raw) ? Number(raw) : raw.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
  const ms = new Date(spelled).getTime();
  return Number.isNaN(ms) ? null : new Date(ms).toISOString();
}

/** `https://www.Acme.example.com/about` → `acme.example.com`; not a host name → null. */
export function toDomain(raw: string): string | null {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  try {
    const host = new URL(withScheme).hostname.toLowerCase().replace(/^www\./, '');
    return host.includes('.') ? host : null;
  } catch {
    return null;
  }
}
