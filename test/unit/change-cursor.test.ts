import { decodeCursor, encodeCursor } from '../../contracts/change-cursor';

describe('changes feed cursor', () => {
  it('round-trips positions', () => {
    for (const seq of [0, 1, 35, 36, 123456789, Number.MAX_SAFE_INTEGER]) expect(decodeCursor(encodeCursor(seq))).toBe(seq);
  });

  it('rejects anything it did not issue', () => {
    for (const bad of ['', '12', 'c1.', 'c1.-1', 'c2.1', 'c1.ZZ', 'c1.1;drop', '{"$gt":0}']) expect(decodeCursor(bad)).toBeNull();
  });
});
