// When a run reads everything, and the reason it gives: a sync's version and the extra fields it reads with.
import { decideRunMode, syncVersionOf, whatChanged } from '../../../sync-engine/sync-version';
import { extraFieldsFor } from '../../../sync/fields';

describe('sync versions', () => {
  it('treats a sync without a version and without extra fields as what runs before versions read with', () => {
    expect(syncVersionOf({}, [])).toBe('1');
    expect(syncVersionOf({ version: 1 }, [])).toBe('1');
  });

  it('changes with the version and with the extra fields, whatever their order or repeats', () => {
    expect(syncVersionOf({ version: 2 }, [])).toBe('2');
    expect(syncVersionOf({ version: 1 }, ['Tier__c', 'Region__c', 'Tier__c'])).toBe(syncVersionOf({ version: 1 }, ['Region__c', 'Tier__c']));
    expect(syncVersionOf({ version: 1 }, ['Tier__c'])).not.toBe(syncVersionOf({ version: 1 }, []));
  });

  it('says what changed', () => {
    expect(whatChanged('3', '4')).toBe('version 3 → 4');
    expect(whatChanged('1', '1+Region__c,Tier__c')).toBe('fields added: Region__c, Tier__c');
    expect(whatChanged('1+Tier__c', '2')).toBe('version 1 → 2; fields removed: Tier__c');
    expect(whatChanged('1+*', '1+*,Tier__c')).toBe('fields added: Tier__c');
  });
});

describe('how a run reads', () => {
  const at = (requested: 'incremental' | 'full', hasCursor: boolean, lastComplete: string | null, current: string) =>
    decideRunMode({ requested, hasCursor, lastComplete, current });

  it('reads everything once when the version the records last all got is not the current one', () => {
    expect(at('incremental', true, '1', '2')).toEqual({ mode: 'full', fullReason: 'version 1 → 2' });
    expect(at('incremental', true, '2', '2+Tier__c')).toEqual({ mode: 'full', fullReason: 'fields added: Tier__c' });
  });

  it('stays incremental when nothing changed, and on a first sync, which reads everything anyway', () => {
    expect(at('incremental', true, '2', '2')).toEqual({ mode: 'incremental', fullReason: null });
    expect(at('incremental', false, null, '2')).toEqual({ mode: 'incremental', fullReason: null });
  });

  it('gives every full run asked for its reason: requested, or initial before the first run finished', () => {
    expect(at('full', true, '2', '2')).toEqual({ mode: 'full', fullReason: 'requested' });
    expect(at('full', true, '1', '2')).toEqual({ mode: 'full', fullReason: 'requested; version 1 → 2' });
    expect(at('full', false, null, '2')).toEqual({ mode: 'full', fullReason: 'initial' });
  });
});

describe('extra fields of a connection', () => {
  it('are the integration\'s, then the connection\'s own, without repeats', () => {
    expect(extraFieldsFor('contacts', { contacts: ['Tier__c'] }, { contacts: ['Region__c', 'Tier__c'] })).toEqual(['Tier__c', 'Region__c']);
    expect(extraFieldsFor('contacts', undefined, { accounts: ['X__c'] })).toEqual([]);
    expect(extraFieldsFor('constructor', {}, {})).toEqual([]);
  });
});

describe('a sync that reads everything every so often', () => {
  const now = new Date('2026-03-02T12:00:00Z');
  const scheduled = (lastCompleteReadAt: Date | null) => ({ every: '1d', lastCompleteReadAt, now });
  const decide = (requested: 'incremental' | 'full', hasCursor: boolean, lastCompleteReadAt: Date | null) =>
    decideRunMode({ requested, hasCursor, lastComplete: '1', current: '1', scheduled: scheduled(lastCompleteReadAt) });

  it('reads everything once a day has passed since the last complete read began, saying why', () => {
    expect(decide('incremental', true, new Date('2026-03-01T12:00:00Z'))).toEqual({ mode: 'full', fullReason: 'scheduled every 1d: finds deletes the provider does not report' });
    expect(decide('incremental', true, null).mode).toBe('full');
  });

  it('stays incremental within the day, and on a first sync, which reads everything anyway', () => {
    expect(decide('incremental', true, new Date('2026-03-01T12:00:01Z'))).toEqual({ mode: 'incremental', fullReason: null });
    expect(decide('incremental', false, null)).toEqual({ mode: 'incremental', fullReason: null });
  });

  it('gives a version change or a request its own reason first', () => {
    const changed = decideRunMode({ requested: 'incremental', hasCursor: true, lastComplete: '1', current: '2', scheduled: scheduled(null) });
    expect(changed).toEqual({ mode: 'full', fullReason: 'version 1 → 2' });
    expect(decide('full', true, null)).toEqual({ mode: 'full', fullReason: 'requested' });
  });
});
