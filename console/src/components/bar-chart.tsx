// A stacked bar chart drawn as SVG by the page (no chart library, nothing fetched): one bar per hour, one colour per
// series, a legend in words and the same numbers as a table for screen readers and for reading exact values.
import { formatCount, formatHour } from './format';

export interface ChartSeries<Row> {
  key: keyof Row & string;
  label: string;
  /** A CSS class giving the series its colour (see console.css: `.series-…`). */
  className: string;
}

export interface BarChartProps<Row extends { hour: string }> {
  id: string;
  title: string;
  rows: Row[];
  series: ChartSeries<Row>[];
}

const WIDTH = 520;
const HEIGHT = 170;
const PAD = { top: 10, right: 4, bottom: 24, left: 36 };

/** The top of the y axis: a round number at or above the tallest bar, so the gridlines read as whole numbers. */
export function niceMax(value: number): number {
  if (value <= 4) return 4;
  const magnitude = 10 ** Math.floor(Math.log10(value));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * magnitude).find((candidate) => candidate * 4 >= value) ?? 10 * magnitude;
  return step * 4;
}

export function BarChart<Row extends { hour: string }>({ id, title, rows, series }: BarChartProps<Row>) {
  const value = (row: Row, key: keyof Row) => Number(row[key]) || 0;
  const totals = rows.map((row) => series.reduce((sum, s) => sum + value(row, s.key), 0));
  const max = niceMax(Math.max(0, ...totals));
  const plotWidth = WIDTH - PAD.left - PAD.right;
  const plotHeight = HEIGHT - PAD.top - PAD.bottom;
  const slot = rows.length > 0 ? plotWidth / rows.length : plotWidth;
  const barWidth = Math.max(2, slot * 0.7);
  const y = (v: number) => PAD.top + plotHeight - (v / max) * plotHeight;
  const sums = series.map((s) => ({ label: s.label, total: rows.reduce((sum, row) => sum + value(row, s.key), 0) }));
  const summary = `${title}, last ${rows.length} hours: ${sums.map((s) => `${formatCount(s.total)} ${s.label}`).join(', ')}.`;
  const labelEvery = Math.max(1, Math.ceil(rows.length / 8));

  return (
    <figure class="chart" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`}>{title}</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={summary} class="chart-svg">
        {[0, 0.25, 0.5, 0.75, 1].map((share) => (
          <g key={share} class="grid">
            <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(max * share)} y2={y(max * share)} />
            <text x={PAD.left - 6} y={y(max * share) + 4} text-anchor="end">
              {formatCount(max * share)}
            </text>
          </g>
        ))}
        {rows.map((row, index) => {
          let base = 0;
          const x = PAD.left + index * slot + (slot - barWidth) / 2;
          return (
            <g key={row.hour}>
              {series.map((s) => {
                const v = value(row, s.key);
                if (v === 0) return null;
                const top = y(base + v);
                const height = y(base) - top;
                base += v;
                return (
                  <rect key={s.key} class={s.className} x={x} y={top} width={barWidth} height={Math.max(1, height)}>
                    <title>{`${formatHour(row.hour)}: ${formatCount(v)} ${s.label}`}</title>
                  </rect>
                );
              })}
              {index % labelEvery === 0 && (
                <text class="axis" x={x + barWidth / 2} y={HEIGHT - 8} text-anchor="middle">
                  {formatHour(row.hour)}
                </text>
              )}
            </g>
          );
        })}
      </svg>
      <ul class="legend">
        {series.map((s, index) => (
          <li key={s.key}>
            <svg viewBox="0 0 10 10" width="10" height="10" aria-hidden="true">
              <rect class={s.className} width="10" height="10" />
            </svg>
            {s.label}: {formatCount(sums[index].total)}
          </li>
        ))}
      </ul>
      <details class="chart-table">
        <summary>{title} as a table</summary>
        <table>
          <thead>
            <tr>
              <th scope="col">Hour</th>
              {series.map((s) => (
                <th scope="col" key={s.key}>
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.hour}>
                <th scope="row">{formatHour(row.hour)}</th>
                {series.map((s) => (
                  <td key={s.key}>{formatCount(value(row, s.key))}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
