import { cursorSeq, encodeCursor, readCursor } from '../../contracts/change-cursor';

const feed = { connectionId: 'acme', model: 'contacts' };

describe('change cursors', () => {
  it('round-trips every position within its own feed', () => {
    for (const seq of [0, 1, 35, 36, 123456789, Number.MAX_SAFE_INTEGER]) {
      expect(readCursor(encodeCursor(seq, feed), feed)).toEqual({ seq });
      expect(cursorSeq(encodeCursor(seq, feed))).toBe(seq);
    }
  });

  it('refuses a cursor of another connection or another model, saying so', () => {
    const cursor = encodeCursor(42, feed);
    for (const other of [{ connectionId: 'globex', model: 'contacts' }, { connectionId: 'acme', model: 'accounts' }, { connectionId: 'acme\u0000contacts', model: '' }]) {
      expect(readCursor(cursor, other)).toEqual({ problem: expect.stringMatching(/belongs to another changes feed/) });
    }
  });

  it('refuses a cursor into an earlier life of a connection id, and keeps cursors of connections from before incarnations', () => {
    const firstLife = { ...feed, incarnation: 'a1b2c3d4e5f60718' };
    const secondLife = { ...feed, incarnation: '0f1e2d3c4b5a6978' };
    expect(readCursor(encodeCursor(5000, firstLife), secondLife)).toEqual({ problem: expect.stringMatching(/earlier connection of that id/) });
    expect(readCursor(encodeCursor(5000, secondLife), secondLife)).toEqual({ seq: 5000 });
    // A connection created before incarnations existed has none: its cursors read as they always did.
    expect(encodeCursor(7, { ...feed, incarnation: undefined })).toBe(encodeCursor(7, feed));
    expect(readCursor(encodeCursor(7, feed), secondLife)).toHaveProperty('problem');
  });

  it('still accepts cursors issued before cursors named their feed', () => {
    expect(readCursor('c1.16', feed)).toEqual({ seq: 42 });
  });

  it('rejects anything it did not issue', () => {
    for (const bad of ['', '12', 'c1.', 'c1.-1', 'c2.1', 'c2.1.short', 'c3.1', 'c1.ZZ', 'c1.1;drop', '{"$gt":0}']) {
      expect([bad, readCursor(bad, feed)]).toEqual([bad, { problem: 'is not a cursor issued by this API' }]);
    }
  });
});
