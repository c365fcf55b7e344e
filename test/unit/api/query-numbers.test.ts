// Numbers in query strings: text on the wire, parsed and bounded; an empty value is refused, not read as 0.
import { overviewQuery, runEventsQuery } from '../../../api/schemas';

describe('numbers in query strings', () => {
  it('reads the text as a number and fills in the default when the parameter is absent', () => {
    expect(runEventsQuery.parse({ after: '12', limit: '50' })).toEqual({ after: 12, limit: 50 });
    expect(runEventsQuery.parse({})).toEqual({ after: 0, limit: 200 });
    // An event log seq (milliseconds × 1000) is a valid `after`, this century and well past it.
    expect(runEventsQuery.parse({ after: String(Date.UTC(2200, 0) * 1000 + 999) }).after).toBe(Date.UTC(2200, 0) * 1000 + 999);
    expect(overviewQuery.parse({})).toEqual({ hours: 24 });
  });

  it.each([
    ['an empty value', { after: '' }, 'after'],
    ['text', { after: 'soon' }, 'after'],
    ['a fraction', { limit: '2.5' }, 'limit'],
    ['a value below the minimum', { limit: '0' }, 'limit'],
    ['a value above the maximum', { hours: '169' }, 'hours'],
    ['a number too large to be exact', { after: '11601916482683805253530288128' }, 'after'],
  ])('refuses %s, naming the parameter', (_what, query, field) => {
    const schema = field === 'hours' ? overviewQuery : runEventsQuery;
    const result = schema.safeParse(query);
    expect(result.success).toBe(false);
    expect([...new Set(result.error?.issues.map((issue) => issue.path.join('.')))]).toEqual([field]);
  });

  it('says what it expected, once: of a value that is not a number, and of one out of bounds', () => {
    expect(runEventsQuery.safeParse({ after: '' }).error?.issues.map((issue) => issue.message)).toEqual(['expected a whole number']);
    expect(runEventsQuery.safeParse({ limit: '5000' }).error?.issues.map((issue) => issue.message)).toEqual([expect.stringMatching(/1000/)]);
  });
});
