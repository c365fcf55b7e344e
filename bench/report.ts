// Renders the bench's rows as one markdown table (median, min, max of the runs), the goals' verdicts and the evidence.
import { renderGoals, type GoalRow } from './goals';
import { SECTION_TITLES, type Row, type SectionNumber } from './rows';
import { summarize } from './stats';

export interface ReportContext {
  title: string;
  environment: string[];
  /** Issue 15's goals, printed after the table they are read from. */
  goals: GoalRow[];
  rows: Row[];
  notes: string[];
  limits: string[];
}

export function renderReport(context: ReportContext): string {
  const lines = [`## ${context.title}`, '', ...context.environment.map((line) => `- ${line}`), ''];
  lines.push('| Measure | Size | Median | Min | Max | Runs | Limited by (cores busy) |');
  lines.push('| --- | --- | ---: | ---: | ---: | ---: | --- |');
  const sections = [...new Set(context.rows.map((row) => row.section))].sort((a, b) => a - b) as SectionNumber[];
  for (const section of sections) {
    lines.push(`| **${SECTION_TITLES[section]}** | | | | | | |`);
    for (const row of bySizeWithinMeasure(context.rows.filter((candidate) => candidate.section === section))) {
      const summary = summarize(row.values);
      const cell = (value: number | undefined) => (value === undefined ? 'n/a' : formatNumber(value, row.decimals));
      lines.push(
        `| ${escape(row.measure)} | ${escape(row.size)} | ${cell(summary?.median)} | ${cell(summary?.min)} | ${cell(summary?.max)} | ${summary?.runs ?? 0} | ${escape(row.limitedBy)} |`,
      );
    }
  }
  lines.push('', '### Goals', '', ...renderGoals(context.goals));
  lines.push('', '### What limits each figure', '', ...context.limits.map((line) => `- ${line}`));
  if (context.notes.length > 0) lines.push('', '### Evidence', '', ...context.notes.map((line) => `- ${line}`));
  return `${lines.join('\n')}\n`;
}

/** Rows of one measure next to each other, sizes ascending, so growth with size reads down the table. */
function bySizeWithinMeasure(rows: Row[]): Row[] {
  const measures = [...new Set(rows.map((row) => measureKey(row.measure)))];
  return [...rows].sort((a, b) => measures.indexOf(measureKey(a.measure)) - measures.indexOf(measureKey(b.measure)));
}

/** "read the first 3 pages (records/s)" and "read everything (records/s)" are one measure at two sizes. */
function measureKey(measure: string): string {
  return measure.replace(/^read (the first \d+ pages|everything)/, 'read');
}

function formatNumber(value: number, decimals: number): string {
  return value.toFixed(decimals);
}

function escape(text: string): string {
  return text.replace(/\|/g, '\\|');
}
