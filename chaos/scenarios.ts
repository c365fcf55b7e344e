// The chaos suite's scenarios and their sizes: `--quick` (the default, a few minutes) and `--full` (the sizes).
import type { ChaosContext } from './context';
import { dynamicsFaults, type DynamicsFaultsParams } from './dynamics-faults';
import { databaseOutage, type DatabaseOutageParams } from './database-outage';
import { multiProcess, type MultiProcessParams } from './multi-process';
import { pipedriveFaults, type PipedriveFaultsParams } from './pipedrive-faults';
import type { ScenarioResult } from './report';
import { signalRace, type SignalRaceParams } from './signal-race';
import { temporalRestart, type TemporalRestartParams } from './temporal-restart';
import { upgrade, type UpgradeParams } from './upgrade';
import { webhookOutage, type WebhookOutageParams } from './webhook-outage';
import { workerKills, type WorkerKillsParams } from './worker-kills';
import { zohoFaults, type ZohoFaultsParams } from './zoho-faults';

export interface ScenarioSizes {
  a: WorkerKillsParams;
  b: TemporalRestartParams;
  c: DatabaseOutageParams;
  d: WebhookOutageParams;
  e: SignalRaceParams;
  m: MultiProcessParams;
  u: UpgradeParams;
  y: DynamicsFaultsParams;
  z: ZohoFaultsParams;
  p: PipedriveFaultsParams;
}

export type ScenarioKey = keyof ScenarioSizes;
export const SCENARIO_KEYS: ScenarioKey[] = ['a', 'b', 'c', 'd', 'e', 'm', 'u', 'y', 'z', 'p'];

export const QUICK: ScenarioSizes = {
  a: { connections: 2, org: { contacts: 4000, accounts: 1000 }, kills: 6, killAfterMs: [1000, 5000], pageDelayMs: 300, settleTimeoutMs: 240_000 },
  b: { connections: 2, org: { contacts: 4000, accounts: 1000 }, restarts: 1, pageDelayMs: 300, settleTimeoutMs: 240_000 },
  c: { connections: 1, org: { contacts: 4000, accounts: 1000 }, downForMs: 15_000, pageDelayMs: 300, settleTimeoutMs: 240_000 },
  d: { connections: 2, org: { contacts: 500, accounts: 100 }, failForMs: 45_000, modeEveryMs: 10_000, changeEveryMs: 5000, settleTimeoutMs: 300_000 },
  e: { rounds: 10, callsPerKind: 2, signalStorm: 10, org: { contacts: 300, accounts: 50 }, settleTimeoutMs: 120_000 },
  m: { connections: 2, org: { contacts: 5000, accounts: 1000 }, workers: 3, apis: 2, rounds: 2, pageDelayMs: 300, requestEveryMs: 500, drainGraceMs: 60_000, settleTimeoutMs: 300_000 },
  u: { connections: 2, org: { contacts: 4000, accounts: 1000 }, pageDelayMs: 300, settleTimeoutMs: 240_000 },
  y: { connections: 2, environment: { contacts: 3000, accounts: 600 }, faults: 8, pageDelayMs: 300, settleTimeoutMs: 240_000 },
  z: { connections: 2, org: { contacts: 3000, accounts: 600 }, faults: 6, pageDelayMs: 300, settleTimeoutMs: 240_000 },
  p: { connections: 2, persons: 3000, organizations: 600, faults: 5, pageDelayMs: 300, settleTimeoutMs: 240_000 },
};

export const FULL: ScenarioSizes = {
  a: { connections: 3, org: { contacts: 20_000, accounts: 5000 }, kills: 24, killAfterMs: [2000, 10_000], pageDelayMs: 200, settleTimeoutMs: 600_000 },
  b: { connections: 3, org: { contacts: 20_000, accounts: 5000 }, restarts: 2, pageDelayMs: 200, settleTimeoutMs: 600_000 },
  c: { connections: 2, org: { contacts: 20_000, accounts: 5000 }, downForMs: 40_000, pageDelayMs: 200, settleTimeoutMs: 600_000 },
  d: { connections: 3, org: { contacts: 2000, accounts: 500 }, failForMs: 180_000, modeEveryMs: 20_000, changeEveryMs: 10_000, settleTimeoutMs: 900_000 },
  e: { rounds: 40, callsPerKind: 3, signalStorm: 30, org: { contacts: 1000, accounts: 200 }, settleTimeoutMs: 300_000 },
  m: { connections: 3, org: { contacts: 20_000, accounts: 5000 }, workers: 3, apis: 2, rounds: 3, pageDelayMs: 200, requestEveryMs: 200, drainGraceMs: 60_000, settleTimeoutMs: 600_000 },
  u: { connections: 3, org: { contacts: 20_000, accounts: 5000 }, pageDelayMs: 200, settleTimeoutMs: 600_000 },
  y: { connections: 4, environment: { contacts: 20_000, accounts: 5000 }, faults: 24, pageDelayMs: 200, settleTimeoutMs: 600_000 },
  z: { connections: 3, org: { contacts: 20_000, accounts: 5000 }, faults: 18, pageDelayMs: 200, settleTimeoutMs: 600_000 },
  p: { connections: 3, persons: 20_000, organizations: 5000, faults: 15, pageDelayMs: 200, settleTimeoutMs: 600_000 },
};

export function runScenario(key: ScenarioKey, context: ChaosContext, sizes: ScenarioSizes): Promise<ScenarioResult> {
  switch (key) {
    case 'a':
      return workerKills(context, sizes.a);
    case 'b':
      return temporalRestart(context, sizes.b);
    case 'c':
      return databaseOutage(context, sizes.c);
    case 'd':
      return webhookOutage(context, sizes.d);
    case 'e':
      return signalRace(context, sizes.e);
    case 'm':
      return multiProcess(context, sizes.m);
    case 'u':
      return upgrade(context, sizes.u);
    case 'y':
      return dynamicsFaults(context, sizes.y);
    case 'z':
      return zohoFaults(context, sizes.z);
    case 'p':
      return pipedriveFaults(context, sizes.p);
  }
}
