import { buildQuery, toSoqlDateTime } from '../../providers/salesforce/soql-sync';

describe('Salesforce incremental query', () => {
  it('starts from the beginning without a checkpoint, in (SystemModstamp, Id) order', () => {
    expect(buildQuery('Contact', ['Id', 'LastName'], null)).toBe('SELECT Id, LastName FROM Contact ORDER BY SystemModstamp ASC, Id ASC');
  });

  it('resumes strictly after the last (SystemModstamp, Id), so ties on one timestamp are neither lost nor repeated', () => {
    const query = buildQuery('Contact', ['Id'], { systemModstamp: '2026-01-05T10:00:00.000+0000', id: '003AB00000Xyz12AAA' });
    expect(query).toBe(
      "SELECT Id FROM Contact WHERE SystemModstamp > 2026-01-05T10:00:00.000Z OR (SystemModstamp = 2026-01-05T10:00:00.000Z AND Id > '003AB00000Xyz12AAA') ORDER BY SystemModstamp ASC, Id ASC",
    );
  });

  it('with a lookback, starts that far before the last timestamp and re-reads the window inclusively', () => {
    const query = buildQuery('Contact', ['Id'], { systemModstamp: '2026-01-05T10:00:00.000+0000', id: '003AB00000Xyz12AAA' }, 10_000);
    expect(query).toBe('SELECT Id FROM Contact WHERE SystemModstamp >= 2026-01-05T09:59:50.000Z ORDER BY SystemModstamp ASC, Id ASC');
  });

  it('refuses a checkpoint id that could inject SOQL', () => {
    expect(() => buildQuery('Contact', ['Id'], { systemModstamp: '2026-01-05T10:00:00.000Z', id: "x' OR Id != '" })).toThrow(/not a Salesforce Id/);
  });

  it('converts Salesforce datetimes with +0000 or -05:00 offsets to UTC literals', () => {
    expect(toSoqlDateTime('2026-01-05T10:00:00.123+0000')).toBe('2026-01-05T10:00:00.123Z');
    expect(toSoqlDateTime('2026-01-05T10:00:00.000-0500')).toBe('2026-01-05T15:00:00.000Z');
    expect(() => toSoqlDateTime('yesterday')).toThrow();
  });
});
