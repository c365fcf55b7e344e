// The API's background work for the console: summing the event log's run ends per hour, and purging what is older
// than the log's retention. On timers of its own, so no request waits for it.
import type { Logger } from 'pino';
import type { EventLogRetention } from './event-log-retention';
import type { RunStatistics } from './run-statistics';

export interface HousekeepingIntervals {
  rollUpMs: number;
  purgeMs: number;
}

export const DEFAULT_HOUSEKEEPING_INTERVALS: HousekeepingIntervals = { rollUpMs: 30_000, purgeMs: 3_600_000 };

export class ConsoleHousekeeping {
  private readonly timers: NodeJS.Timeout[] = [];
  private running: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly statistics: RunStatistics,
    private readonly retention: EventLogRetention,
    private readonly logger: Logger,
    private readonly intervals: HousekeepingIntervals = DEFAULT_HOUSEKEEPING_INTERVALS,
  ) {}

  start(): void {
    const every = (ms: number, work: () => Promise<unknown>, what: string) => {
      const run = () => {
        this.running = this.running
          .then(work)
          .catch((error: unknown) => this.logger.warn({ err: (error as Error).message }, `${what} failed`));
      };
      run();
      const timer = setInterval(run, ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.intervals.rollUpMs, () => this.statistics.rollUp(), 'run statistics roll-up');
    every(this.intervals.purgeMs, () => this.retention.purge(), 'event log purge');
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await this.running;
  }
}
