// The chaos suite's small cases in every test run (npm run chaos has the large ones, and the Temporal and database
// restarts): the same scenario code, each ending with nothing lost and nothing duplicated against the sandbox's truth.
import { join } from 'node:path';
import type { ChaosContext } from '../../chaos/context';
import type { ScenarioResult } from '../../chaos/report';
import { signalRace } from '../../chaos/signal-race';
import { webhookOutage } from '../../chaos/webhook-outage';
import { workerKills } from '../../chaos/worker-kills';
import { Random } from '../../sandbox/common/random';

const SEED = Number(process.env.CHAOS_SEED ?? Date.now() % 1_000_000);

/** The counts the table shows, as one object, so a failure prints all of them and the problems found. */
function verdict(result: ScenarioResult) {
  const { tally } = result;
  return {
    missing: tally.missing,
    duplicated: tally.duplicated,
    wrong: tally.wrong,
    unannounced: tally.unannounced,
    webhooksLost: tally.webhooksExpected - tally.webhooksDelivered,
    problems: tally.problems,
  };
}

const clean = { missing: 0, duplicated: 0, wrong: 0, unannounced: 0, webhooksLost: 0, problems: [] };

describe(`chaos (seed ${SEED}; CHAOS_SEED=${SEED} replays it)`, () => {
  const lines: string[] = [];
  const context: ChaosContext = {
    services: { temporalAddress: process.env.TEMPORAL_ADDRESS as string, mongoUri: process.env.MONGODB_URI as string, temporal: null, mongo: null },
    rng: new Random(SEED),
    logDir: join(__dirname, '..', '..', '.data', 'test', 'logs'),
    log: (line) => lines.push(line),
  };

  it('three worker SIGKILLs in the middle of a sync lose and duplicate nothing', async () => {
    const result = await workerKills(context, {
      connections: 1,
      org: { contacts: 3000, accounts: 500 },
      kills: 3,
      killAfterMs: [500, 2500],
      pageDelayMs: 300,
      settleTimeoutMs: 90_000,
    });
    expect(verdict(result)).toEqual(clean);
    expect(result.tally.recordsStored).toBe(result.tally.recordsExpected);
    // Each kill waits for a full read between pages (held at 2.5 s), then a worker restart: 150 s was too tight on a busy machine.
  }, 300_000);

  it('a webhook receiver failing for 10 s (5xx, timeouts, refused) still gets every event, retried and on record', async () => {
    const result = await webhookOutage(context, {
      connections: 1,
      org: { contacts: 200, accounts: 20 },
      failForMs: 10_000,
      modeEveryMs: 3000,
      changeEveryMs: 3000,
      settleTimeoutMs: 90_000,
    });
    expect(verdict(result)).toEqual(clean);
    expect(result.tally.webhooksExpected).toBeGreaterThanOrEqual(3);
    expect(result.notes.join('\n')).toMatch(/[1-9]\d* events needed more than one attempt/);
  }, 150_000);

  it('racing creates, deletes and sync requests leave one consistent connection and lose no signal', async () => {
    const result = await signalRace(context, {
      rounds: 4,
      callsPerKind: 2,
      signalStorm: 8,
      org: { contacts: 200, accounts: 20 },
      settleTimeoutMs: 60_000,
    });
    expect(verdict(result)).toEqual(clean);
  }, 120_000);
});
