// Choosing what a sync reads from what the customer's account really has.
import { defineSync, type ProviderHttpClient, type SyncPage } from '../../../sync';
import { FieldDiscovery } from '../../../sync-engine/field-discovery';
import { selectFields, type AvailableField, type FieldList } from '../../../sync/fields';
import { z } from 'zod';

const available: AvailableField[] = [
  { name: 'Id', kind: 'string', custom: false },
  { name: 'LastName', kind: 'string', custom: false },
  { name: 'Email', kind: 'string', custom: false },
  { name: 'Tier__c', kind: 'string', custom: true },
  { name: 'Score__c', kind: 'number', custom: true },
];

const list = (listed: AvailableField[] = available): FieldList => ({
  wanted: ['Email', 'Birthdate', 'Salutation'],
  required: ['LastName'],
  system: ['Id', 'SystemModstamp', 'IsDeleted'],
  list: async () => listed,
  valueOf: (record, field) => record[field],
});

describe('selectFields', () => {
  it('selects the wanted fields the account has and reports the others as missing', () => {
    const selection = selectFields(list(), available);
    expect(selection.selected).toEqual(['Id', 'SystemModstamp', 'IsDeleted', 'LastName', 'Email']);
    expect(selection.missing).toEqual(['Birthdate', 'Salutation']);
    expect(selection.missingRequired).toEqual([]);
  });

  it('reports a required field the account hides as missing required', () => {
    const selection = selectFields(list(), available.filter((field) => field.name !== 'LastName'));
    expect(selection.missingRequired).toEqual(['LastName']);
  });

  it("adds the integration's custom fields in the account's spelling, with their kinds, and reports unknown ones", () => {
    const selection = selectFields(list(), available, ['tier__c', 'Region__c']);
    expect(selection.selected).toContain('Tier__c');
    expect(selection.extraKinds).toEqual({ Tier__c: 'string' });
    expect(selection.missing).toContain('Region__c');
  });

  it('reads every field the account lets it read for "*"', () => {
    const selection = selectFields(list(), available, ['*']);
    expect(selection.selected).toEqual(expect.arrayContaining(['Tier__c', 'Score__c', 'Email', 'LastName']));
    expect(selection.extraKinds).toMatchObject({ Score__c: 'number' });
  });
});

describe('FieldDiscovery', () => {
  const http = {} as ProviderHttpClient;
  const syncWith = (fields: FieldList) =>
    defineSync({
      model: 'contacts',
      description: 'test',
      schema: z.looseObject({ Id: z.string() }),
      idOf: (record) => record.Id,
      defaultFrequency: '5m',
      fields,
      async *fetchPages(): AsyncIterable<SyncPage> {},
    });

  it('lists the fields once per connection until the list is stale or forgotten', async () => {
    let now = 0;
    let calls = 0;
    const fields = { ...list(), list: async () => (calls++, available) };
    const discovery = new FieldDiscovery(1000, () => now);
    const sync = syncWith(fields);
    await discovery.select('c1:contacts', sync, http, []);
    await discovery.select('c1:contacts', sync, http, []);
    expect(calls).toBe(1);
    now = 1000;
    await discovery.select('c1:contacts', sync, http, []);
    expect(calls).toBe(2);
    discovery.forget('c1:contacts');
    await discovery.select('c1:contacts', sync, http, []);
    expect(calls).toBe(3);
  });
});
