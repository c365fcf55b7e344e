// The chaos suite's verdict: one markdown row per scenario, with what went wrong underneath.
import { lossOrDuplication, type Tally } from './verify';

export interface ScenarioResult {
  scenario: string;
  /** What was injected, in words, with the counts that actually happened. */
  faults: string;
  tally: Tally;
  /** Observations that are not failures: retried deliveries, restarts, timings. */
  notes: string[];
  seconds: number;
}

export function passed(result: ScenarioResult): boolean {
  return !lossOrDuplication(result.tally);
}

export function renderReport(title: string, environment: string[], results: ScenarioResult[]): string {
  const lines = [`## ${title}`, '', ...environment.map((line) => `- ${line}`), ''];
  lines.push(
    '| Scenario | Faults injected | Records expected | Stored | Missing | Duplicated | Wrong | Unannounced | Webhooks expected | Delivered | Duplicate deliveries | Result |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
  );
  for (const result of results) {
    const t = result.tally;
    const cells = [
      result.scenario,
      result.faults,
      t.recordsExpected,
      t.recordsStored,
      t.missing,
      t.duplicated,
      t.wrong,
      t.unannounced,
      t.webhooksExpected,
      t.webhooksDelivered,
      t.webhookDuplicates,
      `${passed(result) ? 'pass' : '**FAIL**'} (${Math.round(result.seconds)} s)`,
    ];
    lines.push(`| ${cells.map((cell) => String(cell).replace(/\|/g, '\\|')).join(' | ')} |`);
  }
  const details = results.filter((result) => result.notes.length > 0 || result.tally.problems.length > 0);
  if (details.length > 0) lines.push('');
  for (const result of details) {
    lines.push(`**${result.scenario}**`, '');
    for (const note of result.notes) lines.push(`- ${note}`);
    for (const problem of result.tally.problems.slice(0, 20)) lines.push(`- PROBLEM: ${problem}`);
    if (result.tally.problems.length > 20) lines.push(`- … and ${result.tally.problems.length - 20} more problems`);
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
