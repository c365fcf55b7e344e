// Seeded, plausible contacts and companies whose modified dates come in tie groups, as imports and workflows make them.
import type { Random } from '../common/random';
import { COMPANY_WORDS, FIRST_NAMES, JOB_TITLES, LAST_NAMES } from '../common/sample-values';
import type { HubSpotObject } from './properties';

const CITIES: readonly (readonly [string, string])[] = [['Boston', 'United States'], ['Austin', 'United States'], ['Dublin', 'Ireland'], ['Berlin', 'Germany'], ['Paris', 'France'], ['Tokyo', 'Japan'], ['Sydney', 'Australia'], ['Toronto', 'Canada']];
const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];
const INDUSTRIES = ['COMPUTER_SOFTWARE', 'FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'RETAIL', 'MARKETING_AND_ADVERTISING', 'CONSTRUCTION', 'EDUCATION_MANAGEMENT', 'TELECOMMUNICATIONS'];

export interface GeneratedRecord {
  properties: Record<string, string | null>;
  modifiedMs: number;
  createdMs: number;
}

export function generateProperties(object: HubSpotObject, random: Random): Record<string, string | null> {
  const [city, country] = random.pick(CITIES);
  if (object === 'contacts') {
    const firstname = random.pick(FIRST_NAMES);
    const lastname = random.pick(LAST_NAMES);
    return {
      firstname,
      lastname,
      email: random.chance(0.92) ? `${firstname}.${lastname}${random.int(1, 99999)}@example.com`.toLowerCase() : null,
      phone: random.chance(0.6) ? `+1 555 ${String(random.int(0, 9999999)).padStart(7, '0')}` : null,
      jobtitle: random.maybe(0.7, JOB_TITLES),
      company: random.chance(0.8) ? `${random.pick(COMPANY_WORDS)} Inc.` : null,
      city: random.chance(0.8) ? city : null,
      country: random.chance(0.8) ? country : null,
      lifecyclestage: random.pick(LIFECYCLE_STAGES),
    };
  }
  const word = random.pick(COMPANY_WORDS);
  const employees = random.chance(0.75) ? random.int(1, 250_000) : null;
  return {
    name: `${word} ${random.int(1, 9999)}`,
    domain: `${word.toLowerCase()}${random.int(1, 99999)}.example.com`,
    industry: random.maybe(0.8, INDUSTRIES),
    phone: random.chance(0.7) ? `+1 555 ${String(random.int(0, 9999999)).padStart(7, '0')}` : null,
    city: random.chance(0.9) ? city : null,
    country: random.chance(0.9) ? country : null,
    numberofemployees: employees === null ? null : String(employees),
    annualrevenue: employees !== null && random.chance(0.8) ? String(employees * random.int(50, 400) * 1000) : null,
    lifecyclestage: random.pick(LIFECYCLE_STAGES),
  };
}
