// The sync kit's validate-and-map step: schema, ids of rejected records, loose checks of custom fields.
import { z } from 'zod';
import { defineSync, type SyncPage } from '../../../sync';
import { validatePage } from '../../../sync/validate-page';

const sync = defineSync({
  model: 'contacts',
  description: 'test contacts',
  schema: z.looseObject({ Id: z.string(), LastName: z.string().min(1) }),
  idOf: (record) => record.Id,
  rawIdOf: (raw) => ((raw as { Id?: unknown })?.Id as string | undefined) ?? null,
  defaultFrequency: '5m',
  async *fetchPages(): AsyncIterable<SyncPage> {},
});

describe('validatePage', () => {
  it('keeps valid records by their id with every field, custom ones included', () => {
    const { valid, invalid } = validatePage(sync, [{ Id: 'a', LastName: 'Ada', Tier__c: 'Gold' }]);
    expect(invalid).toEqual([]);
    expect(valid).toEqual([{ externalId: 'a', data: { Id: 'a', LastName: 'Ada', Tier__c: 'Gold' } }]);
  });

  it("names a rejected record by the id the sync reads from the raw record, and says what is wrong", () => {
    const { valid, invalid } = validatePage(sync, [{ Id: 'b', LastName: '' }, 'not a record']);
    expect(valid).toEqual([]);
    expect(invalid).toEqual([
      { externalId: 'b', problems: [expect.stringContaining('LastName')] },
      { externalId: null, problems: [expect.stringContaining('(record)')] },
    ]);
  });

  it('rejects a custom field whose value does not fit the kind the provider reported, and accepts null', () => {
    const kinds = { Score__c: 'number', Since__c: 'date' } as const;
    const { valid, invalid } = validatePage(
      sync,
      [
        { Id: 'c', LastName: 'Cy', Score__c: 'high', Since__c: '2026-01-01' },
        { Id: 'd', LastName: 'Di', Score__c: null, Since__c: 'someday' },
        { Id: 'e', LastName: 'Ed', Score__c: 4.5, Since__c: null },
      ],
      kinds,
    );
    expect(valid.map((record) => record.externalId)).toEqual(['e']);
    expect(invalid).toEqual([
      { externalId: 'c', problems: ['Score__c: expected number or null, got "high"'] },
      { externalId: 'd', problems: ['Since__c: expected date or null, got "someday"'] },
    ]);
  });
});
