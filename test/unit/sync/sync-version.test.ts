// When a run asked for as incremental must read everything again, and the reason it gives.
import { z } from 'zod';
import { syncVersionOf, whatChanged } from '../../../activities/sync-run-activities';
import { defineSync, type SyncPage } from '../../../sync';

const syncAt = (version?: number) =>
  defineSync({
    model: 'contacts',
    description: 'test',
    schema: z.looseObject({ Id: z.string() }),
    idOf: (record) => record.Id,
    defaultFrequency: '5m',
    version,
    async *fetchPages(): AsyncIterable<SyncPage> {},
  });

describe('sync versions', () => {
  it('treats a sync without a version and without extra fields as what runs before versions read with', () => {
    expect(syncVersionOf(syncAt(), [])).toBe('1');
    expect(syncVersionOf(syncAt(1), [])).toBe('1');
  });

  it('changes with the version and with the extra fields, whatever their order or repeats', () => {
    expect(syncVersionOf(syncAt(2), [])).toBe('2');
    expect(syncVersionOf(syncAt(1), ['Tier__c', 'Region__c', 'Tier__c'])).toBe(syncVersionOf(syncAt(1), ['Region__c', 'Tier__c']));
    expect(syncVersionOf(syncAt(1), ['Tier__c'])).not.toBe(syncVersionOf(syncAt(1), []));
  });

  it('says what changed', () => {
    expect(whatChanged('1', '2', 'contacts')).toBe('the contacts sync changed (version 1 -> 2)');
    expect(whatChanged('1', '1+Region__c,Tier__c', 'contacts')).toBe('fields added to the integration: Region__c, Tier__c');
    expect(whatChanged('1+Tier__c', '2', 'contacts')).toBe('the contacts sync changed (version 1 -> 2); fields removed from the integration: Tier__c');
  });
});
