// Seeded, plausible contacts and companies whose modified dates come in tie groups, as imports and workflows make them.
import type { Random } from '../common/random';
import { tieGroupSizes } from '../common/seeding';
import type { HubSpotObject } from './properties';

const FIRST_NAMES = ['Ada', 'Alan', 'Amara', 'Arjun', 'Beatriz', 'Carlos', 'Chen', 'Daniel', 'Elena', 'Emeka', 'Fatima', 'Grace', 'Hana', 'Hugo', 'Ines', 'Jamal', 'Julia', 'Kenji', 'Laila', 'Mateo', 'Mei', 'Nadia', 'Omar', 'Priya', 'Rafael', 'Sofia', 'Tariq', 'Uma', 'Wei', 'Zoe'];
const LAST_NAMES = ['Abara', 'Bianchi', 'Brown', 'Castillo', 'Dubois', 'Fischer', 'Garcia', 'Gupta', 'Haddad', 'Jensen', 'Kim', 'Kowalski', 'Li', 'Martin', 'Nakamura', 'Novak', 'Okafor', 'Patel', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Tanaka', 'Wang', 'Yilmaz', 'Zhang'];
const JOB_TITLES = ['CEO', 'CFO', 'CTO', 'VP Sales', 'Head of Operations', 'Account Manager', 'Software Engineer', 'Marketing Manager', 'Buyer'];
const CITIES: readonly (readonly [string, string])[] = [['Boston', 'United States'], ['Austin', 'United States'], ['Dublin', 'Ireland'], ['Berlin', 'Germany'], ['Paris', 'France'], ['Tokyo', 'Japan'], ['Sydney', 'Australia'], ['Toronto', 'Canada']];
const LIFECYCLE_STAGES = ['subscriber', 'lead', 'marketingqualifiedlead', 'salesqualifiedlead', 'opportunity', 'customer', 'evangelist', 'other'];
const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Wonka', 'Aperture', 'Monarch', 'Nakatomi'];
const INDUSTRIES = ['COMPUTER_SOFTWARE', 'FINANCIAL_SERVICES', 'HOSPITAL_HEALTH_CARE', 'RETAIL', 'MARKETING_AND_ADVERTISING', 'CONSTRUCTION', 'EDUCATION_MANAGEMENT', 'TELECOMMUNICATIONS'];

export interface GeneratedRecord {
  properties: Record<string, string | null>;
  modifiedMs: number;
  createdMs: number;
}

/** Modified dates ascending within [startMs, endMs], one per tie group, each group strictly after the previous one. */
export function modifiedDates(random: Random, count: number, startMs: number, endMs: number, tieGroupSize: number | undefined): number[] {
  const sizes = tieGroupSizes(random, count, tieGroupSize);
  const span = Math.max(endMs - startMs, sizes.length);
  const stamps: number[] = [];
  let previous = startMs - 1;
  for (let group = 0; group < sizes.length; group++) {
    const planned = startMs + Math.floor(((group + random.next() * 0.8) * span) / sizes.length);
    const stamp = Math.max(planned, previous + 1);
    previous = stamp;
    for (let i = 0; i < sizes[group]; i++) stamps.push(stamp);
  }
  return stamps;
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
