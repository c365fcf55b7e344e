// What a sync says about the fields it reads, and how the engine picks the ones the customer's account really has.
import type { ProviderHttpClient } from './http-client';

/** How a field's values are checked, loosely: a provider's many types boil down to these. */
export type FieldKind = 'string' | 'number' | 'boolean' | 'date' | 'datetime' | 'any';

export interface AvailableField {
  name: string;
  kind: FieldKind;
  /** Made by the customer (Salesforce's `__c` fields, HubSpot properties that are not HubSpot's). */
  custom: boolean;
}

export interface FieldList {
  /** Read when the account has them; one it lacks is reported on the run, never fails it. */
  wanted: readonly string[];
  /** Without these a record means nothing: an account that lacks one fails the run, saying which. */
  required: readonly string[];
  /** Always read and never subject to discovery (ids, timestamps the checkpoint is made of). */
  system: readonly string[];
  /** The fields this account has and the integration user may read (Salesforce describe, HubSpot properties). */
  list(http: ProviderHttpClient): Promise<AvailableField[]>;
  /** Where a field's value sits in a raw record (HubSpot nests them under `properties`). */
  valueOf(record: Record<string, unknown>, field: string): unknown;
}

/** `"*"`: every field the account lets the integration user read. */
export const ALL_FIELDS = '*';

export interface FieldSelection {
  /** What to ask the provider for, system fields first. */
  selected: string[];
  /** Wanted or extra fields the account does not have or hides: reported on the run. */
  missing: string[];
  /** Required fields it lacks: the run cannot go on. */
  missingRequired: string[];
  /** The kinds of the extra (custom) fields, to check their values loosely. */
  extraKinds: Record<string, FieldKind>;
}

/**
 * Picks what to read: the sync's wanted fields and the integration's extra ones (or all, for `*`) that the account
 * lists. Names compare case-insensitively, as Salesforce's do, and come out spelled as the account spells them.
 */
export function selectFields(list: FieldList, available: readonly AvailableField[], extra: readonly string[] = []): FieldSelection {
  const byName = new Map(available.map((field) => [field.name.toLowerCase(), field]));
  const everything = extra.includes(ALL_FIELDS);
  const extraNames = everything ? available.map((field) => field.name) : extra;
  const selected = new Map<string, string>(list.system.map((name) => [name.toLowerCase(), name]));
  const missing: string[] = [];
  const missingRequired: string[] = [];
  const extraKinds: Record<string, FieldKind> = {};
  const want = (name: string, required: boolean, isExtra: boolean) => {
    const key = name.toLowerCase();
    const found = byName.get(key);
    if (!found) {
      if (selected.has(key)) return;
      (required ? missingRequired : missing).push(name);
      return;
    }
    if (!selected.has(key)) selected.set(key, found.name);
    if (isExtra) extraKinds[found.name] = found.kind;
  };
  for (const name of list.required) want(name, true, false);
  for (const name of list.wanted) want(name, false, false);
  for (const name of extraNames) want(name, false, true);
  return { selected: [...selected.values()], missing: [...new Set(missing)], missingRequired, extraKinds };
}

/**
 * The extra fields a connection reads for a model: the integration's, then the connection's own, without repeats.
 * Own properties only: a model named `constructor` must not find Object's.
 */
export function extraFieldsFor(model: string, ...sources: (Readonly<Record<string, readonly string[]>> | null | undefined)[]): string[] {
  const fields: string[] = [];
  for (const source of sources) if (source && Object.hasOwn(source, model)) fields.push(...source[model]);
  return [...new Set(fields)];
}
