// Measures one phase of the bench: wall time, CPU cores each component used, their peak RSS, and the rest of the
// machine's load, so every figure can name what limited it.
import { machineBusySeconds, machineCores, sampleGroups, type ProcessGroup, type ProcessSample } from './process-metrics';

export const COMPONENTS = ['worker', 'temporal', 'database', 'bench'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface Usage {
  wallSeconds: number;
  /** Average cores busy during the phase, per component; null when the process is not on this machine. */
  cores: Record<Component, number | null>;
  /** Cores busy in processes that are not ours (other test runs on a shared machine). */
  otherCores: number | null;
  peakRssBytes: Record<Component, number | null>;
}

export interface PhaseMeasurement {
  stop(): Usage;
}

const SAMPLE_INTERVAL_MS = 250;

export class Meter {
  /** `groups` is asked at every phase start: the worker process changes when it is restarted. */
  constructor(private readonly groups: () => ProcessGroup[]) {}

  start(): PhaseMeasurement {
    const groups = this.groups();
    const startedAt = performance.now();
    const first = sampleGroups(groups);
    const busyAtStart = machineBusySeconds();
    const peaks = new Map<string, number>();
    const notePeaks = (samples: Map<string, ProcessSample | null>) => {
      for (const [name, sample] of samples) if (sample) peaks.set(name, Math.max(peaks.get(name) ?? 0, sample.rssBytes));
    };
    notePeaks(first);
    const timer = setInterval(() => notePeaks(sampleGroups(groups)), SAMPLE_INTERVAL_MS);
    timer.unref();
    return {
      stop() {
        clearInterval(timer);
        const last = sampleGroups(groups);
        notePeaks(last);
        const wallSeconds = (performance.now() - startedAt) / 1000;
        const cores = {} as Record<Component, number | null>;
        const peakRssBytes = {} as Record<Component, number | null>;
        let ours = 0;
        for (const component of COMPONENTS) {
          const before = first.get(component);
          const after = last.get(component);
          const used = before && after && wallSeconds > 0 ? Math.max(0, after.cpuSeconds - before.cpuSeconds) / wallSeconds : null;
          cores[component] = used;
          ours += used ?? 0;
          peakRssBytes[component] = peaks.get(component) ?? null;
        }
        const busyAtEnd = machineBusySeconds();
        const otherCores =
          busyAtStart !== null && busyAtEnd !== null && wallSeconds > 0
            ? Math.max(0, (busyAtEnd - busyAtStart) / wallSeconds - ours)
            : null;
        return { wallSeconds, cores, otherCores, peakRssBytes };
      },
    };
  }
}

/** The components that used the most CPU, in words, with the machine's saturation when it matters. */
export function busiest(usage: Usage, labels: Partial<Record<Component, string>> = {}): string {
  const ranked = [
    ...COMPONENTS.map((component) => ({ name: labels[component] ?? component, cores: usage.cores[component] ?? 0 })),
    { name: 'other processes', cores: usage.otherCores ?? 0 },
  ]
    .filter((entry) => entry.cores > 0.005)
    .sort((a, b) => b.cores - a.cores);
  if (ranked.length === 0) return 'n/a (no /proc)';
  const described = ranked
    .slice(0, 2)
    .map((entry) => `${entry.name} ${entry.cores.toFixed(2)}`)
    .join(', ');
  const total = ranked.reduce((sum, entry) => sum + entry.cores, 0);
  const saturated = total >= machineCores * 0.85 ? `; CPU-bound (${total.toFixed(1)} of ${machineCores} cores busy)` : '';
  return `${described} cores${saturated}`;
}
