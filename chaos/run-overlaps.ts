// No two runs of one (connection, model) at once: checked from the stored runs' start and end times.
import type { TestStack } from '../test/support/test-stack';

/** One problem per run that started before an earlier run of its (connection, model) had ended. */
export async function overlappingRuns(stack: TestStack, connectionIds: string[]): Promise<string[]> {
  const runs = await stack.store.runs.collection
    .find({ connectionId: { $in: connectionIds } }, { projection: { connectionId: 1, model: 1, status: 1, startedAt: 1, finishedAt: 1 } })
    .toArray();
  const byModel = new Map<string, typeof runs>();
  for (const run of runs) {
    const key = `${run.connectionId} ${run.model}`;
    byModel.set(key, [...(byModel.get(key) ?? []), run]);
  }
  const problems: string[] = [];
  for (const [where, ofModel] of byModel) {
    ofModel.sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
    // The earlier run that ends last: a run still 'running' has not ended at all.
    let latest: (typeof runs)[number] | null = null;
    const endOf = (run: (typeof runs)[number]) => run.finishedAt?.getTime() ?? Number.POSITIVE_INFINITY;
    for (const run of ofModel) {
      if (latest && run.startedAt.getTime() < endOf(latest)) {
        const ended = latest.finishedAt ? `ended ${latest.finishedAt.toISOString()}` : `still ${latest.status}`;
        problems.push(`${where}: run ${shortId(run._id)} started ${run.startedAt.toISOString()} while run ${shortId(latest._id)} (started ${latest.startedAt.toISOString()}, ${ended}) had not ended`);
      }
      if (!latest || endOf(run) > endOf(latest)) latest = run;
    }
  }
  return problems;
}

function shortId(runId: string): string {
  return runId.split(':').at(-1)?.slice(0, 8) ?? runId;
}
