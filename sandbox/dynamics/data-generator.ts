// Seeded, plausible contacts and accounts (custom columns included) whose modifiedon seconds come in tie groups, as
// imports, bulk edits and workflows make them.
import type { Random } from '../common/random';
import { FIRST_NAMES, JOB_TITLES } from '../common/sample-values';
import type { EntitySet } from './tables';

// Accents and apostrophes on purpose: e-mail addresses are made from the names, as real data entry makes them.
const LAST_NAMES = ['Abara', 'Bianchi', 'Brown', 'Castillo', 'Dubois', 'Fischer', 'García', 'Gupta', 'Haddad', 'Jensen', 'Kim', 'Kowalski', 'Li', 'Martin', 'Müller', 'Nakamura', 'Novak', "O'Brien", 'Okafor', 'Patel', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Tanaka', 'Wang', 'Yilmaz', 'Zhang'];
const PLACES: readonly (readonly [string, string])[] = [['Seattle', 'United States'], ['Austin', 'United States'], ['Dublin', 'Ireland'], ['Berlin', 'Germany'], ['Paris', 'France'], ['Tokyo', 'Japan'], ['Sydney', 'Australia'], ['Toronto', 'Canada']];
const COMPANY_WORDS = ['Contoso', 'Fabrikam', 'Litware', 'Northwind', 'Adventure Works', 'Tailspin', 'Wingtip', 'Woodgrove', 'Proseware', 'Alpine Ski House', 'Coho Winery', 'Trey Research'];
const TIERS = ['Gold', 'Silver', 'Bronze'];
const SEGMENTS = ['Enterprise', 'Mid-market', 'SMB', 'Public sector'];

const phone = (random: Random) => `+1 425 555 ${String(random.int(0, 9999)).padStart(4, '0')}`;

/** Writable values for one new row; lookups are chosen by the caller, which knows the live rows. */
export function generateValues(entitySet: EntitySet, random: Random): Record<string, unknown> {
  const [city, country] = random.pick(PLACES);
  if (entitySet === 'contacts') {
    const firstname = random.chance(0.95) ? random.pick(FIRST_NAMES) : null;
    const lastname = random.pick(LAST_NAMES);
    const local = `${firstname ?? 'info'}.${lastname}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
    return {
      firstname,
      lastname,
      emailaddress1: random.chance(0.92) ? `${local}${random.int(1, 99999)}@example.com` : null,
      emailaddress2: random.chance(0.1) ? `${local}@example.org` : null,
      telephone1: random.chance(0.7) ? phone(random) : null,
      mobilephone: random.chance(0.4) ? phone(random) : null,
      jobtitle: random.maybe(0.7, JOB_TITLES),
      address1_city: random.chance(0.8) ? city : null,
      address1_country: random.chance(0.8) ? country : null,
      new_tier: random.maybe(0.6, TIERS),
      new_region: random.maybe(0.7, [100000000, 100000001, 100000002]),
      new_loyaltypoints: random.chance(0.5) ? random.int(0, 20_000) : null,
      new_nationalid: random.chance(0.3) ? `NI-${String(random.int(0, 99_999_999)).padStart(8, '0')}` : null,
    };
  }
  const word = random.pick(COMPANY_WORDS);
  const employees = random.chance(0.75) ? random.int(1, 250_000) : null;
  return {
    name: `${word} ${random.int(1, 9999)}`,
    accountnumber: random.chance(0.6) ? `AC-${random.int(10000, 99999)}` : null,
    telephone1: random.chance(0.7) ? phone(random) : null,
    websiteurl: random.chance(0.7) ? `https://www.${word.toLowerCase().replace(/\s+/g, '')}${random.int(1, 999)}.example.com` : null,
    address1_city: random.chance(0.9) ? city : null,
    address1_country: random.chance(0.9) ? country : null,
    numberofemployees: employees,
    revenue: employees !== null && random.chance(0.8) ? employees * random.int(50, 400) * 1000 : null,
    industrycode: random.maybe(0.8, [1, 2, 3, 4, 5, 6, 7, 8]),
    new_segment: random.maybe(0.6, SEGMENTS),
  };
}
