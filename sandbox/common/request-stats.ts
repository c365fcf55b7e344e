// What every sandbox counts for tests: requests by kind (and by host), refusals by reason, peak data requests in flight.
import { InFlight } from './in-flight';

type Counts = Record<string, number>;

function increment(counts: Counts, name: string): void {
  counts[name] = (counts[name] ?? 0) + 1;
}

/** Each provider's recorder extends it with what else it reports, and names the snapshot's fields its own way. */
export class RequestStats {
  private requests: Counts = {};
  private requestsByHost: Record<string, Counts> = {};
  private refusals: Counts = {};
  private readonly dataRequests = new InFlight();

  /** `host` (an environment, a data centre) also counts the request under that host. */
  count(kind: string, host?: string): void {
    increment(this.requests, kind);
    if (host) increment((this.requestsByHost[host] ??= {}), kind);
  }

  /** A request the sandbox refused on purpose (a limit, a storm), by the reason the provider reports. */
  refused(reason: string): void {
    increment(this.refusals, reason);
  }

  /** Call when a data request arrives; call the returned function once it is answered or abandoned. */
  dataRequestStarted(): () => void {
    return this.dataRequests.start();
  }

  reset(): void {
    this.requests = {};
    this.requestsByHost = {};
    this.refusals = {};
    this.dataRequests.resetPeak();
  }

  /** Copies, so a snapshot does not change as requests go on. */
  protected counts(): { requests: Counts; requestsByHost: Record<string, Counts>; refusals: Counts; maxConcurrentDataRequests: number } {
    return {
      requests: { ...this.requests },
      requestsByHost: Object.fromEntries(Object.entries(this.requestsByHost).map(([host, counts]) => [host, { ...counts }])),
      refusals: { ...this.refusals },
      maxConcurrentDataRequests: this.dataRequests.peak,
    };
  }
}
