// Seeded, realistic Contacts, Accounts and Opportunities whose SystemModstamps come in tie groups, as bulk loads and automation make them.
import type { Random } from '../common/random';
import { tieGroups } from '../common/seeding';
import { formatDateTime } from './datetime';
import type { SalesforceObject, SalesforceRecord } from './fields';

const DAY_MS = 86_400_000;

const FIRST_NAMES = ['Ada', 'Alan', 'Amara', 'Ana', 'Arjun', 'Beatriz', 'Carlos', 'Chen', 'Chloe', 'Daniel', 'Dmitri', 'Elena', 'Emeka', 'Fatima', 'Freya', 'Grace', 'Hana', 'Hugo', 'Ines', 'Isaac', 'Jamal', 'Jin', 'Julia', 'Kai', 'Kenji', 'Laila', 'Leo', 'Lucia', 'Maya', 'Mateo', 'Mei', 'Nadia', 'Noah', 'Olga', 'Omar', 'Priya', 'Quinn', 'Rafael', 'Rosa', 'Sami', 'Sofia', 'Tariq', 'Thea', 'Uma', 'Victor', 'Wei', 'Yara', 'Yusuf', 'Zara', 'Zoe'];
const LAST_NAMES = ['Abara', 'Andersen', 'Bianchi', 'Brown', 'Castillo', 'Chen', "D'Souza", 'Dubois', 'Eriksen', 'Fischer', 'García', 'Gupta', 'Haddad', 'Hoffmann', 'Ivanova', 'Jensen', 'Kim', 'Kowalski', 'Lefebvre', 'Li', 'Martin', 'Mendes', 'Müller', 'Nakamura', 'Novak', 'Nwosu', "O'Brien", 'Okafor', 'Patel', 'Petrov', 'Quispe', 'Rossi', 'Santos', 'Schmidt', 'Silva', 'Singh', 'Smith', 'Tanaka', 'Torres', 'Van der Berg', 'Wang', 'Williams', 'Yilmaz', 'Zhang'];
const SALUTATIONS = ['Mr.', 'Ms.', 'Mrs.', 'Dr.', 'Prof.', 'Mx.'];
const TITLES = ['CEO', 'CFO', 'CTO', 'VP Sales', 'VP Engineering', 'Head of Operations', 'Procurement Manager', 'Account Manager', 'Software Engineer', 'Data Analyst', 'Office Manager', 'Director of Marketing', 'IT Administrator', 'Buyer'];
const DEPARTMENTS = ['Sales', 'Engineering', 'Finance', 'Operations', 'Marketing', 'Procurement', 'IT', 'Legal', 'Support'];
const LEAD_SOURCES = ['Web', 'Phone Inquiry', 'Partner Referral', 'Purchased List', 'Trade Show', 'Word of mouth', 'Other'];
const EMAIL_DOMAINS = ['example.com', 'example.org', 'example.net', 'mail.example', 'corp.example'];
const STREETS = ['Main St', 'Market St', 'High Street', 'Oak Avenue', 'Rue de Rivoli', 'Hauptstraße', 'Calle Mayor', 'King Street', 'Harbour Road', 'Elm Drive'];
const PLACES: readonly (readonly [city: string, state: string | null, country: string, postal: (random: Random) => string])[] = [
  ['San Francisco', 'CA', 'USA', (random) => '941' + digits(random, 2)],
  ['New York', 'NY', 'USA', (random) => '100' + digits(random, 2)],
  ['Austin', 'TX', 'USA', (random) => '787' + digits(random, 2)],
  ['Chicago', 'IL', 'USA', (random) => '606' + digits(random, 2)],
  ['Toronto', 'ON', 'Canada', () => 'M5V 2T6'],
  ['London', null, 'United Kingdom', () => 'EC1A 1BB'],
  ['Paris', null, 'France', (random) => '750' + digits(random, 2)],
  ['Berlin', null, 'Germany', (random) => '10' + digits(random, 3)],
  ['Madrid', null, 'Spain', (random) => '280' + digits(random, 2)],
  ['Tokyo', null, 'Japan', () => '100-0001'],
  ['Sydney', 'NSW', 'Australia', () => '2000'],
  ['São Paulo', 'SP', 'Brazil', () => '01000-000'],
];
const COMPANY_WORDS = ['Acme', 'Globex', 'Initech', 'Umbrella', 'Stark', 'Wayne', 'Hooli', 'Vandelay', 'Soylent', 'Tyrell', 'Cyberdyne', 'Wonka', 'Gringotts', 'Oscorp', 'Aperture', 'Black Mesa', 'Monarch', 'Pied Piper', 'Nakatomi', 'Zorg'];
const COMPANY_SUFFIXES = ['Inc.', 'LLC', 'Ltd', 'GmbH', 'S.A.', 'Corp.', 'Group', 'Holdings', 'Labs', 'Systems'];
const ACCOUNT_TYPES = ['Prospect', 'Customer - Direct', 'Customer - Channel', 'Channel Partner / Reseller', 'Installation Partner', 'Technology Partner', 'Other'];
const INDUSTRIES = ['Agriculture', 'Banking', 'Biotechnology', 'Construction', 'Education', 'Electronics', 'Energy', 'Finance', 'Healthcare', 'Hospitality', 'Insurance', 'Manufacturing', 'Media', 'Retail', 'Technology', 'Telecommunications', 'Transportation'];
const STAGES: readonly (readonly [stage: string, probability: number])[] = [
  ['Prospecting', 10], ['Qualification', 10], ['Needs Analysis', 20], ['Value Proposition', 50], ['Id. Decision Makers', 60],
  ['Perception Analysis', 70], ['Proposal/Price Quote', 75], ['Negotiation/Review', 90], ['Closed Won', 100], ['Closed Lost', 0],
];
const OPPORTUNITY_TYPES = ['New Customer', 'Existing Customer - Upgrade', 'Existing Customer - Replacement', 'Existing Customer - Downgrade'];
const NEXT_STEPS = ['Send proposal', 'Schedule demo', 'Security review', 'Legal review', 'Follow up call', null];
const DESCRIPTIONS = ['Key account, renewal due next quarter.', 'Evaluating the enterprise plan.', 'Referred by a partner; wants a demo.', 'Multi-site rollout in progress.', 'Churn risk: low product usage.', null];

function digits(random: Random, count: number): string {
  let text = '';
  for (let i = 0; i < count; i++) text += String(random.int(0, 9));
  return text;
}

export interface GenerateOptions {
  random: Random;
  count: number;
  /** Seeded stamps fall in this window, oldest first, so they never precede a stamp the org already handed out. */
  windowStartMs: number;
  windowEndMs: number;
  tieGroupSize?: number;
  /** Live Accounts a Contact may belong to. */
  accountIds: readonly string[];
  takeId: () => string;
}

export interface GeneratedRows {
  records: SalesforceRecord[];
  /** SystemModstamp of each record in ms, ascending together with the ids. */
  stamps: number[];
}

export function generateRecords(object: SalesforceObject, options: GenerateOptions): GeneratedRows {
  const { random, count } = options;
  const records: SalesforceRecord[] = new Array(count);
  const stamps: number[] = new Array(count);
  let position = 0;
  for (const { stamp: stampMs, size } of tieGroups(random, count, options.windowStartMs, options.windowEndMs, options.tieGroupSize)) {
    // One string per group: ties are then the same value and cost no memory per record.
    const stamp = formatDateTime(stampMs);
    for (let i = 0; i < size; i++) {
      const id = options.takeId();
      records[position] = GENERATORS[object](random, id, options.accountIds, stampMs, stamp);
      stamps[position] = stampMs;
      position++;
    }
  }
  return { records, stamps };
}

/** CreatedDate and LastModifiedDate, never after the SystemModstamp. */
function auditDates(random: Random, stampMs: number, stamp: string): [created: string, modified: string] {
  const createdMs = random.chance(0.3) ? stampMs : stampMs - random.int(0, 365 * DAY_MS);
  // Automated changes (rollups, workflow rules) move SystemModstamp but not LastModifiedDate.
  const modifiedMs = random.chance(0.8) ? stampMs : createdMs + Math.floor((stampMs - createdMs) * random.next());
  return [createdMs === stampMs ? stamp : formatDateTime(createdMs), modifiedMs === stampMs ? stamp : formatDateTime(modifiedMs)];
}

function phone(random: Random): string {
  return `(${random.int(201, 989)}) 555-${String(random.int(0, 9999)).padStart(4, '0')}`;
}

function street(random: Random): string {
  return `${random.int(1, 9999)} ${random.pick(STREETS)}`;
}

const emailParts = new Map<string, string>();

/** Names come from small pools, so the (slow) normalisation is done once per name. */
function emailPart(text: string): string {
  let part = emailParts.get(text);
  if (part === undefined) {
    part = text
      .normalize('NFD')
      .replace(/[^a-zA-Z]/g, '')
      .toLowerCase();
    emailParts.set(text, part);
  }
  return part;
}

// One object literal per record, in describe order: records are built a million at a time.
function contact(random: Random, id: string, accountIds: readonly string[], stampMs: number, stamp: string): SalesforceRecord {
  const firstName = random.chance(0.95) ? random.pick(FIRST_NAMES) : null;
  const lastName = random.pick(LAST_NAMES);
  const place = random.chance(0.85) ? random.pick(PLACES) : null;
  const born = random.chance(0.4) ? `${random.int(1955, 2002)}-${String(random.int(1, 12)).padStart(2, '0')}-${String(random.int(1, 28)).padStart(2, '0')}` : null;
  const [created, modified] = auditDates(random, stampMs, stamp);
  return {
    Id: id,
    IsDeleted: false,
    AccountId: accountIds.length > 0 && random.chance(0.9) ? random.pick(accountIds) : null,
    OwnerId: ownerOf(id),
    FirstName: firstName,
    LastName: lastName,
    Salutation: random.maybe(0.5, SALUTATIONS),
    Title: random.maybe(0.8, TITLES),
    Email: random.chance(0.92) ? `${emailPart(firstName ?? 'info')}.${emailPart(lastName)}${random.int(1, 99999)}@${random.pick(EMAIL_DOMAINS)}` : null,
    Phone: random.chance(0.7) ? phone(random) : null,
    MobilePhone: random.chance(0.4) ? phone(random) : null,
    Department: random.maybe(0.6, DEPARTMENTS),
    LeadSource: random.maybe(0.7, LEAD_SOURCES),
    MailingStreet: place ? street(random) : null,
    MailingCity: place ? place[0] : null,
    MailingState: place ? place[1] : null,
    MailingPostalCode: place ? place[3](random) : null,
    MailingCountry: place ? place[2] : null,
    Birthdate: born,
    CreatedDate: created,
    LastModifiedDate: modified,
    SystemModstamp: stamp,
    ...customContactFields(id),
  };
}

/** A few sales reps own the seeded records; chosen from the Id alone so the generator's stream (every other value) is unchanged. */
const OWNERS = ['005000000000001AAA', '005000000000002AAA', '005000000000003AAA'] as const;

export function ownerOf(id: string): string {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return OWNERS[hash % OWNERS.length];
}

const TIERS = ['Gold', 'Silver', 'Bronze', null] as const;
const REGIONS = ['EMEA', 'AMER', 'APAC'] as const;

/**
 * Custom field values follow from the Id alone, not the generator's stream: adding them left every seeded value of
 * the standard fields as it was.
 */
export function customContactFields(id: string): { Tier__c: string | null; Region__c: string | null } {
  let hash = 0;
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) >>> 0;
  return { Tier__c: TIERS[hash % TIERS.length], Region__c: REGIONS[(hash >>> 4) % REGIONS.length] };
}

function opportunity(random: Random, id: string, accountIds: readonly string[], stampMs: number, stamp: string): SalesforceRecord {
  const [stage, probability] = random.pick(STAGES);
  const [created, modified] = auditDates(random, stampMs, stamp);
  const closeMs = Date.parse(created) + random.int(7, 180) * DAY_MS;
  return {
    Id: id,
    IsDeleted: false,
    AccountId: accountIds.length > 0 && random.chance(0.95) ? random.pick(accountIds) : null,
    Name: `${random.pick(COMPANY_WORDS)} - ${random.pick(['Renewal', 'Expansion', 'Pilot', 'Enterprise deal', 'Add-on'])}`,
    StageName: stage,
    // Salesforce leaves Amount empty until someone prices the deal.
    Amount: random.chance(0.85) ? random.int(10, 5000) * 100 : null,
    Probability: probability,
    CloseDate: new Date(closeMs).toISOString().slice(0, 10),
    Type: random.maybe(0.8, OPPORTUNITY_TYPES),
    LeadSource: random.maybe(0.7, LEAD_SOURCES),
    NextStep: random.pick(NEXT_STEPS),
    Description: null,
    CreatedDate: created,
    LastModifiedDate: modified,
    SystemModstamp: stamp,
  };
}

function account(random: Random, id: string, _accountIds: readonly string[], stampMs: number, stamp: string): SalesforceRecord {
  const word = random.pick(COMPANY_WORDS);
  const name = `${word} ${random.pick(INDUSTRIES)} ${random.pick(COMPANY_SUFFIXES)}`;
  const place = random.chance(0.9) ? random.pick(PLACES) : null;
  const employees = random.chance(0.75) ? random.int(1, 250_000) : null;
  const [created, modified] = auditDates(random, stampMs, stamp);
  return {
    Id: id,
    IsDeleted: false,
    Name: name,
    OwnerId: ownerOf(id),
    Type: random.maybe(0.85, ACCOUNT_TYPES),
    Industry: random.maybe(0.8, INDUSTRIES),
    Website: random.chance(0.7) ? `https://www.${emailPart(word)}${random.int(1, 9999)}.example.com` : null,
    Phone: random.chance(0.8) ? phone(random) : null,
    AnnualRevenue: employees !== null && random.chance(0.8) ? employees * random.int(50, 400) * 1000 : null,
    NumberOfEmployees: employees,
    BillingStreet: place ? street(random) : null,
    BillingCity: place ? place[0] : null,
    BillingState: place ? place[1] : null,
    BillingPostalCode: place ? place[3](random) : null,
    BillingCountry: place ? place[2] : null,
    Description: random.pick(DESCRIPTIONS),
    CreatedDate: created,
    LastModifiedDate: modified,
    SystemModstamp: stamp,
  };
}

type RecordGenerator = (random: Random, id: string, accountIds: readonly string[], stampMs: number, stamp: string) => SalesforceRecord;
const GENERATORS: Record<SalesforceObject, RecordGenerator> = { Contact: contact, Account: account, Opportunity: opportunity };
