import { contentHash } from '../../store/content-hash';

describe('content hash', () => {
  it('does not depend on key order', () => {
    expect(contentHash({ a: 1, b: { c: 2, d: [1, 2] } })).toBe(contentHash({ b: { d: [1, 2], c: 2 }, a: 1 }));
  });

  it('changes when any value changes, including nulls and nested values', () => {
    const base = contentHash({ a: 1, b: null, c: { d: 'x' } });
    expect(contentHash({ a: 2, b: null, c: { d: 'x' } })).not.toBe(base);
    expect(contentHash({ a: 1, b: 'now set', c: { d: 'x' } })).not.toBe(base);
    expect(contentHash({ a: 1, b: null, c: { d: 'y' } })).not.toBe(base);
  });

  it('ignores declared volatile fields such as SystemModstamp', () => {
    expect(contentHash({ Id: '1', SystemModstamp: 'a' }, ['SystemModstamp'])).toBe(contentHash({ Id: '1', SystemModstamp: 'b' }, ['SystemModstamp']));
    expect(contentHash({ Id: '1', SystemModstamp: 'a' })).not.toBe(contentHash({ Id: '1', SystemModstamp: 'b' }));
  });
});
