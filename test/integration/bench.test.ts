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
  idleConnections: 3,
  idleWindowSeconds: 2,
  recordsMaxSize: 10_000,
  recordsPages: 3,
  consoleConnections: 60,
  consoleRuns: 200,
  sections: ['sync', 'records', 'scale', 'writes', 'idle', 'dev', 'console'],
  forceSizes: false,
  out: '',
};

describe('npm run bench', () => {
  it('runs every section end to end and prints one table with a number in every cell', async () => {
    const { markdown } = await runBench(TINY, () => undefined);

    const lines = markdown.split('\n');
    const tableStart = lines.findIndex((line) => line.startsWith('| Measure |'));
    const tableEnd = lines.findIndex((line, index) => index > tableStart && !line.startsWith('|'));
    const tableLines = lines.slice(tableStart, tableEnd);
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

    // Every goal of issue 15 has its row, with a verdict, whatever the sizes measured.
    const goalsStart = lines.indexOf('| Goal | Target | Measured (median) | Verdict |');
    expect(goalsStart).toBeGreaterThan(tableEnd);
    const goalsEnd = lines.findIndex((line, index) => index > goalsStart && !line.startsWith('|'));
    const goals = lines.slice(goalsStart + 2, goalsEnd);
    expect(goals.map((line) => line.split(/(?<!\\)\|/)[1].trim().split(':')[0].split(' (')[0])).toEqual([
      'No-change incremental sync at 100k stored',
      '10,000 changed records over 100k stored ÷ 10,000 inserted',
      'Records API page of 1,000, p50 at 100,000 stored',
      'Records API page of 1,000, p50 at 1,000,000 stored',
      'Initial sync at 100k',
      '1,000 connections every minute',
      '10,000 idle connections',
      'Database write commands per scheduled no-change run',
      'A recording test of a 2-page sync',
      'Edit a sync file → the dry run shows the change, end to end',
      'Console answers at 10,000 connections and 100,000 runs',
    ]);
    for (const goal of goals) expect(goal).toMatch(/\| (pass|miss)( at [^|]+)? \|$|\| not measured \|$/);
    // Only the 1M records page needs a size the tiny preset does not run.
    expect(goals.filter((goal) => goal.endsWith('| not measured |'))).toEqual([expect.stringContaining('1,000,000 stored')]);
  }, 300_000);
});
