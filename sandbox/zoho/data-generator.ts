// Seeded, plausible Contacts and Accounts (custom fields included) whose Modified_Time seconds come in tie groups,
// as imports, mass updates and workflows make them.
import type { Random } from '../common/random';
import type { ModuleName } from './modules';

const FIRST_NAMES = ['Aarav', 'Amelia', 'Ana', 'Ben', 'Chiara', 'Daniel', 'Divya', 'Elif', 'Emma', 'Felix', 'Hannah', 'Ines', 'Jonas', 'Kai', 'Lars', 'Leila', 'Lucas', 'Maya', 'Mohammed', 'Nia', 'Olga', 'Paolo', 'Priya', 'Ravi', 'Sara', 'Sven', 'Tomás', 'Yuki', 'Zara'];
const LAST_NAMES = ['Andersen', 'Banerjee', 'Becker', 'Costa', 'Dimitrov', 'Eriksson', 'Ferreira', 'Goldberg', 'Hansen', 'Iyer', 'Jäger', 'Kovač', 'Lefèvre', 'Moreau', 'Nakamura', 'Nowak', "O'Neill", 'Petrov', 'Quinn', 'Rao', 'Romano', 'Schulz', 'Sørensen', 'Takahashi', 'Usman', 'Varga', 'Weber', 'Yamada', 'Zimmermann'];
const TITLES = ['CEO', 'CFO', 'Head of IT', 'Purchasing Manager', 'Sales Director', 'Office Manager', 'Engineer', 'Consultant'];
const DEPARTMENTS = ['Sales', 'Finance', 'IT', 'Operations', 'Marketing', 'Procurement'];
const PLACES: readonly (readonly [string, string])[] = [['Austin', 'United States'], ['Chennai', 'India'], ['Munich', 'Germany'], ['Lyon', 'France'], ['Osaka', 'Japan'], ['Melbourne', 'Australia'], ['Toronto', 'Canada'], ['Riyadh', 'Saudi Arabia']];
const LEAD_SOURCES = ['Advertisement', 'Cold Call', 'Employee Referral', 'Partner', 'Web Download', 'Trade Show'];
const COMPANY_WORDS = ['Zylker', 'Nordlicht', 'Acme', 'Globex', 'Initech', 'Umbrella', 'Hooli', 'Vandelay', 'Stark', 'Wayne', 'Tyrell', 'Soylent'];
const INDUSTRIES = ['Communications', 'Manufacturing', 'Retail', 'Technology', 'Government', 'Finance', 'Healthcare'];
const TIERS = ['Gold', 'Silver', 'Bronze'];
const SEGMENTS = ['Enterprise', 'Mid-market', 'SMB', 'Public sector'];
const LANGUAGES = ['English', 'German', 'French', 'Japanese', 'Hindi', 'Arabic'];

const phone = (random: Random) => `+1 512 555 ${String(random.int(0, 9999)).padStart(4, '0')}`;
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * Writable values for one new record; `serial` keeps e-mail addresses unique (Email is a unique field by default).
 * Lookups are chosen by the caller, which knows the live records.
 */
export function generateValues(module: ModuleName, random: Random, serial: number): Record<string, unknown> {
  const [city, country] = random.pick(PLACES);
  if (module === 'Contacts') {
    const first = random.chance(0.95) ? random.pick(FIRST_NAMES) : null;
    const last = random.pick(LAST_NAMES);
    const local = `${first ?? 'info'}.${last}`.normalize('NFD').replace(/[^A-Za-z.]/g, '').toLowerCase();
    return {
      First_Name: first,
      Last_Name: last,
      Email: random.chance(0.9) ? `${local}.${serial}@example.com` : null,
      Secondary_Email: random.chance(0.1) ? `${local}.${serial}@example.org` : null,
      Phone: random.chance(0.7) ? phone(random) : null,
      Mobile: random.chance(0.4) ? phone(random) : null,
      Title: random.maybe(0.7, TITLES),
      Department: random.maybe(0.5, DEPARTMENTS),
      Mailing_City: random.chance(0.8) ? city : null,
      Mailing_Country: random.chance(0.8) ? country : null,
      Lead_Source: random.maybe(0.6, LEAD_SOURCES),
      Date_of_Birth: random.chance(0.3) ? `${random.int(1950, 2002)}-${pad(random.int(1, 12))}-${pad(random.int(1, 28))}` : null,
      Email_Opt_Out: random.chance(0.15),
      Description: null,
      Loyalty_Tier: random.maybe(0.6, TIERS),
      Customer_Score: random.chance(0.5) ? random.int(0, 100) : null,
      Preferred_Language: random.maybe(0.4, LANGUAGES),
      National_ID: random.chance(0.3) ? `NI${String(random.int(0, 99_999_999)).padStart(8, '0')}` : null,
    };
  }
  const word = random.pick(COMPANY_WORDS);
  const employees = random.chance(0.75) ? random.int(1, 250_000) : null;
  return {
    Account_Name: `${word} ${serial}`,
    Account_Number: random.chance(0.6) ? `AC-${random.int(10000, 99999)}` : null,
    Phone: random.chance(0.7) ? phone(random) : null,
    Website: random.chance(0.7) ? `https://www.${word.toLowerCase()}${serial}.example.com` : null,
    Industry: random.maybe(0.8, INDUSTRIES),
    Employees: employees,
    Annual_Revenue: employees !== null && random.chance(0.8) ? employees * random.int(50, 400) * 1000 : null,
    Billing_City: random.chance(0.9) ? city : null,
    Billing_Country: random.chance(0.9) ? country : null,
    Description: null,
    Segment: random.maybe(0.6, SEGMENTS),
    Region_Code: random.chance(0.5) ? `R-${random.int(100, 999)}` : null,
  };
}
