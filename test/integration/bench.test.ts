// The bench itself is not a timed test; this runs a tiny one on the real stack to prove `npm run bench` still works.
import type { BenchOptions } from '../../bench/options';
import { SECTION_TITLES } from '../../bench/rows';
import { runBench } from '../../bench/run-bench';

const TINY: BenchOptions = {
  mode: 'quick',
  sizes: [500],
  runs: 1,
  accounts: 20,
  connections: 3,
  scaleFrequency: '2s',
  scaleRecords: 5,
  scaleCycles: 2,
  recordsMaxSize: 10_000,
  recordsPages: 3,
  sections: ['sync', 'records', 'scale', 'writes'],
  forceSizes: false,
  out: '',
};

describe('npm run bench', () => {
  it('runs every section end to end and prints one table with a number in every cell', async () => {
    const { markdown } = await runBench(TINY, () => undefined);

    const tableLines = markdown.split('\n').filter((line) => line.startsWith('|'));
    expect(tableLines[0]).toBe('| Measure | Size | Median | Min | Max | Runs | Limited by (cores busy) |');
    const sectionHeaders = tableLines.filter((line) => line.startsWith('| **'));
    expect(sectionHeaders.map((line) => line.split('|')[1].trim())).toEqual(Object.values(SECTION_TITLES).map((title) => `**${title}**`));

    const rows = tableLines.slice(2).filter((line) => !line.startsWith('| **'));
    expect(rows.length).toBeGreaterThanOrEqual(20);
    for (const row of rows) {
      const [, measure, , median, min, max, runs] = row.split(/(?<!\\)\|/).map((cell) => cell.trim());
      expect([measure, median, min, max, runs].every((cell) => cell !== undefined)).toBe(true);
      for (const cell of [median, min, max, runs]) expect([measure, cell]).toEqual([measure, expect.stringMatching(/^-?\d+(\.\d+)?$/)]);
    }
  }, 240_000);
});
