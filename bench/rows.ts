// The bench's results as rows of one table: a measure at a size, one value per run, and what limited it.

export const SECTION_TITLES = {
  1: '1. Initial sync throughput',
  2: '2. Cost growth per initial sync',
  3: '3. No-change incremental sync',
  4: '4. Connections at scale',
  5: '5. Records API (GET /records, limit 1000)',
  6: '6. Record writes and feed reads over stored records (store alone)',
  7: '7. Idle connections (hourly schedule, between runs)',
  8: '8. Developer loop (recording tests offline; dry runs on a running stack)',
  9: '9. Console (connections page and overview, server time)',
} as const;

export type SectionNumber = keyof typeof SECTION_TITLES;

export interface Row {
  section: SectionNumber;
  measure: string;
  /** e.g. "10000" contacts or "50 conns". */
  size: string;
  /** One per run; the table shows median, min and max. */
  values: number[];
  decimals: number;
  limitedBy: string;
}

export interface SectionResult {
  rows: Row[];
  /** Evidence behind the rows (breakdowns, counts), printed under the table. */
  notes: string[];
}

export const MB = 1024 * 1024;
