// Seeded, plausible persons and organizations with custom field values, whose update times come in tie groups of
// whole seconds, as imports and bulk edits make them in Pipedrive.
import type { Random } from '../common/random';
import { COMPANY_WORDS, FIRST_NAMES, LAST_NAMES } from '../common/sample-values';
import type { FieldDefinition } from './fields';
import type { RecordValues } from './record-values';

const CITIES: readonly (readonly [string, string, string])[] = [['Tallinn', 'Estonia', '10111'], ['Boston', 'United States', '02110'], ['Dublin', 'Ireland', 'D02'], ['Berlin', 'Germany', '10115'], ['Lisbon', 'Portugal', '1100-148'], ['Toronto', 'Canada', 'M5H']];
const CURRENCIES = ['EUR', 'USD', 'GBP'];

function customValues(random: Random, fields: readonly FieldDefinition[]): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const field of fields) {
    // Real companies leave many custom fields blank.
    if (!random.chance(0.7)) {
      values[field.code] = null;
      continue;
    }
    const options = field.options ?? [];
    switch (field.type) {
      case 'enum':
        values[field.code] = random.pick(options).id;
        break;
      case 'set':
        values[field.code] = [...new Set([random.pick(options).id, random.pick(options).id])];
        break;
      case 'int':
        values[field.code] = random.int(1, 50_000);
        break;
      case 'double':
        values[field.code] = Math.round(random.next() * 10_000) / 100;
        break;
      case 'date':
        values[field.code] = new Date(Date.UTC(2024, 0, 1) + random.int(0, 900) * 86_400_000).toISOString().slice(0, 10);
        break;
      case 'monetary':
        values[field.code] = { value: random.int(10, 5_000) * 1000, currency: random.pick(CURRENCIES) };
        break;
      default:
        values[field.code] = `https://example.com/${random.int(1, 999_999)}`;
    }
  }
  return values;
}

export function generatePerson(random: Random, context: { ownerIds: number[]; organizationIds: number[]; custom: readonly FieldDefinition[] }): RecordValues {
  const first = random.pick(FIRST_NAMES);
  const last = random.pick(LAST_NAMES);
  const emails = random.chance(0.9) ? [{ value: `${first}.${last}${random.int(1, 99_999)}@example.com`.toLowerCase(), primary: true, label: 'work' }] : [];
  if (emails.length > 0 && random.chance(0.2)) emails.push({ value: `${first}${random.int(1, 999)}@home.example.org`.toLowerCase(), primary: false, label: 'home' });
  const phones = random.chance(0.6) ? [{ value: `+372 5${String(random.int(0, 9_999_999)).padStart(7, '0')}`, primary: true, label: 'mobile' }] : [];
  return {
    name: `${first} ${last}`,
    first_name: first,
    last_name: last,
    owner_id: random.pick(context.ownerIds),
    org_id: context.organizationIds.length > 0 && random.chance(0.75) ? random.pick(context.organizationIds) : null,
    emails,
    phones,
    visible_to: random.chance(0.9) ? 3 : 1,
    label_ids: [],
    custom_fields: customValues(random, context.custom),
  };
}

export function generateOrganization(random: Random, context: { ownerIds: number[]; custom: readonly FieldDefinition[] }): RecordValues {
  const [city, country, postalCode] = random.pick(CITIES);
  const street = `${random.int(1, 200)} ${random.pick(LAST_NAMES)} Street`;
  return {
    name: `${random.pick(COMPANY_WORDS)} ${random.int(1, 9999)}`,
    owner_id: random.pick(context.ownerIds),
    address: random.chance(0.7) ? { value: `${street}, ${city}, ${country}`, country, locality: city, postal_code: postalCode } : null,
    visible_to: 3,
    label_ids: [],
    custom_fields: customValues(random, context.custom),
  };
}
