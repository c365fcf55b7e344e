import { caseSafeSuffix } from '../../../sandbox/salesforce/ids';
import { OBJECT_FIELDS } from '../../../sandbox/salesforce/fields';
import { startSalesforceSandbox, type SalesforceSandbox } from '../../../sandbox/salesforce/server';

describe('Salesforce sandbox seeded data', () => {
  let sandbox: SalesforceSandbox;

  beforeEach(async () => {
    sandbox = await startSalesforceSandbox({ seed: 7 });
  });
  afterEach(() => sandbox.close());

  // How fast seeding is belongs to the bench (it prints the seeding time); a timed test would fail on a busy machine.
  it('seeds 100,000 contacts, each with its own id', () => {
    const ids = sandbox.seed('Contact', 100_000);
    expect(ids).toHaveLength(100_000);
    expect(new Set(ids).size).toBe(100_000);
  });

  it('mints 18-character ids with the right prefix and checksum, in creation order as text', () => {
    const accounts = sandbox.seed('Account', 50);
    const contacts = sandbox.seed('Contact', 500);
    for (const id of [...accounts, ...contacts]) {
      expect(id).toMatch(/^[A-Za-z0-9]{18}$/);
      expect(id.slice(15)).toBe(caseSafeSuffix(id.slice(0, 15)));
    }
    expect(accounts.every((id) => id.startsWith('001'))).toBe(true);
    expect(contacts.every((id) => id.startsWith('003'))).toBe(true);
    expect([...contacts].sort()).toEqual(contacts);
    expect(caseSafeSuffix('001A0000006Vm9r')).toBe('IAC');
  });

  it('returns every field, nulls included, and links contacts to seeded accounts', () => {
    const accounts = new Set(sandbox.seed('Account', 20));
    sandbox.seed('Contact', 200);
    const contacts = sandbox.records('Contact');
    for (const contact of contacts) expect(Object.keys(contact)).toEqual(OBJECT_FIELDS.Contact.map((field) => field.name));
    expect(contacts.some((contact) => contact.Email === null || contact.MobilePhone === null)).toBe(true);
    expect(contacts.filter((contact) => contact.AccountId !== null).every((contact) => accounts.has(contact.AccountId as string))).toBe(true);
    expect(contacts.some((contact) => contact.AccountId !== null)).toBe(true);
    for (const account of sandbox.records('Account')) expect(Object.keys(account)).toEqual(OBJECT_FIELDS.Account.map((field) => field.name));
  });

  it('puts many records on one SystemModstamp, in the past, never before an earlier one', () => {
    const now = Date.now();
    sandbox.seed('Contact', 5000);
    const stamps = sandbox.records('Contact').map((record) => record.SystemModstamp);
    const groups = new Map<string, number>();
    for (const stamp of stamps) groups.set(stamp, (groups.get(stamp) ?? 0) + 1);
    expect(Math.max(...groups.values())).toBeGreaterThan(20);
    expect(stamps.every((stamp) => Date.parse(stamp.replace('+0000', 'Z')) <= now + groups.size)).toBe(true);
    expect(Date.parse(stamps[0].replace('+0000', 'Z'))).toBeLessThan(now - 86_400_000);
    expect([...stamps].sort()).toEqual(stamps);
    for (const record of sandbox.records('Contact')) {
      expect(record.CreatedDate <= record.SystemModstamp && record.LastModifiedDate <= record.SystemModstamp).toBe(true);
    }
  });

  it('can make a tie group larger than a 2000-record page', () => {
    sandbox.seed('Contact', 2500, { tieGroupSize: 2001 });
    const stamps = new Set(sandbox.records('Contact').map((record) => record.SystemModstamp));
    expect(stamps.size).toBe(2);
  });

  it('is deterministic for a seed', async () => {
    const twin = await startSalesforceSandbox({ seed: 7 });
    try {
      sandbox.seed('Contact', 100);
      twin.seed('Contact', 100);
      const strip = (records: Record<string, unknown>[]) => records.map(({ CreatedDate: _c, LastModifiedDate: _l, SystemModstamp: _s, ...rest }) => rest);
      expect(strip(twin.records('Contact'))).toEqual(strip(sandbox.records('Contact')));
    } finally {
      await twin.close();
    }
  });

  it('gives each later change a SystemModstamp after every earlier one', () => {
    const ids = sandbox.seed('Contact', 10);
    const changed = [sandbox.update('Contact', ids[5], { Title: 'A' }), sandbox.touch('Contact', ids[2]), sandbox.create('Contact', { LastName: 'B' })];
    const stamps = changed.map((record) => record.SystemModstamp);
    expect([...new Set(stamps)]).toHaveLength(3);
    expect([...stamps].sort()).toEqual(stamps);
  });
});
