// `npm run recordings`: runs each built-in sync against its sandbox with the recorder on and writes the recordings
// that test/unit/sync/built-in-recordings.test.ts replays (test/recordings/*.recording.json).
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { providerCatalog } from '../providers/catalog';
import { dynamicsAccountsSync } from '../providers/dynamics/accounts.sync';
import { dynamicsContactsSync } from '../providers/dynamics/contacts.sync';
import { dynamics } from '../providers/dynamics/dynamics.provider';
import { hubspotCompaniesSync } from '../providers/hubspot/companies.sync';
import { hubspotContactsSync } from '../providers/hubspot/contacts.sync';
import { hubspot } from '../providers/hubspot/hubspot.provider';
import type { ProviderDefinition } from '../providers/provider-definition';
import { accountsSync } from '../providers/salesforce/accounts.sync';
import { contactsSync } from '../providers/salesforce/contacts.sync';
import { salesforce } from '../providers/salesforce/salesforce.provider';
import { startDynamicsSandbox } from '../sandbox/dynamics/server';
import type { EntitySet } from '../sandbox/dynamics/tables';
import { startHubSpotSandbox, type HubSpotObject } from '../sandbox/hubspot/server';
import { pipedriveOrganizationsSync } from '../providers/pipedrive/organizations.sync';
import { pipedrivePersonsSync } from '../providers/pipedrive/persons.sync';
import { pipedrive } from '../providers/pipedrive/pipedrive.provider';
import { startPipedriveSandbox, type PipedriveObject } from '../sandbox/pipedrive/server';
import { startSalesforceSandbox, type SalesforceObject } from '../sandbox/salesforce/server';
import { startZohoSandbox, type ModuleName as ZohoModule } from '../sandbox/zoho/server';
import { zohoAccountsSync } from '../providers/zoho/accounts.sync';
import { zohoContactsSync } from '../providers/zoho/contacts.sync';
import { zoho } from '../providers/zoho/zoho.provider';
import { createProviderHttpClient, type HttpClientOptions } from '../sync-engine/provider-http-client';
import { SyncRecorder } from '../sync-engine/sync-recorder';
import { readSync, type ReadPage, type ReadSyncOptions } from '../sync/read-sync';
import type { Checkpoint } from '../sync/checkpoint';
import { PLACEHOLDER_ORIGIN, type Recording } from '../sync/recording';
import { ReplayHttpClient } from '../sync/replay-http-client';
import type { SyncDefinition } from '../sync/sync-definition';

export const RECORDINGS_DIR = join(__dirname, '..', 'test', 'recordings');

/** Salesforce's smallest query batch: a second page needs more rows than this, whatever pageSize asks for. */
const SALESFORCE_MIN_BATCH = 200;

/**
 * Hidden from the integration user (field-level security), so each of the 200-row pages stays a few dozen KB: the
 * recording keeps the system fields, the required ones and these few.
 */
const SALESFORCE_VISIBLE: Record<'Contact' | 'Account', string[]> = {
  Contact: ['FirstName', 'Email'],
  Account: ['Industry', 'Website'],
};

export interface RecordedSync {
  /** Checked: no secret remains in it. */
  recording: Recording;
  /** What the live run read, page by page, to compare a replay with. */
  live: ReadPage[];
  /** Writes the recording; refuses, writing nothing, if a secret would remain. */
  save(file: string): Promise<void>;
}

interface Scenario {
  file: string;
  provider: ProviderDefinition;
  sync: SyncDefinition;
  record(): Promise<RecordedSync>;
}

export const SCENARIOS: Scenario[] = [
  salesforceScenario('salesforce-contacts.recording.json', contactsSync, 'Contact'),
  salesforceScenario('salesforce-accounts.recording.json', accountsSync, 'Account'),
  hubspotScenario('hubspot-contacts.recording.json', hubspotContactsSync, 'contacts'),
  hubspotScenario('hubspot-companies.recording.json', hubspotCompaniesSync, 'companies'),
  zohoScenario('zoho-contacts.recording.json', zohoContactsSync, 'Contacts'),
  zohoScenario('zoho-accounts.recording.json', zohoAccountsSync, 'Accounts'),
  dynamicsScenario('dynamics-contacts.recording.json', dynamicsContactsSync, 'contacts'),
  dynamicsScenario('dynamics-accounts.recording.json', dynamicsAccountsSync, 'accounts'),
  pipedriveScenario('pipedrive-persons.recording.json', pipedrivePersonsSync, 'persons'),
  pipedriveScenario('pipedrive-organizations.recording.json', pipedriveOrganizationsSync, 'organizations'),
];

/**
 * A first sync of 202 rows, one of them deleted, read in Salesforce's smallest batches: two pages, the delete on the
 * second. Its resume from the first checkpoint is a new query (as a resumed run makes), recorded too.
 */
function salesforceScenario(file: string, sync: SyncDefinition, object: 'Contact' | 'Account'): Scenario {
  return {
    file,
    provider: salesforce,
    sync,
    async record() {
      const wanted = sync.fields?.wanted ?? [];
      const hidden = wanted.filter((field) => !SALESFORCE_VISIBLE[object].includes(field));
      const sandbox = await startSalesforceSandbox({ seed: 24, hiddenFields: { [object]: hidden } });
      try {
        const ids = sandbox.seed(object as SalesforceObject, SALESFORCE_MIN_BATCH + 2);
        sandbox.delete(object, ids[10]);
        const grant = sandbox.issueGrant();
        return await recordRun({
          sync,
          provider: salesforce,
          baseUrl: sandbox.url,
          accessToken: grant.accessToken,
          secrets: { 'access token': grant.accessToken, 'refresh token': grant.refreshToken, 'client secret': 'sandbox-client-secret' },
          run: { mode: 'incremental', checkpoint: null, pageSize: SALESFORCE_MIN_BATCH, lookbackMs: 0 },
          description:
            `Salesforce sandbox (seed 24): a first ${sync.model} sync of ${ids.length} rows, one deleted, in batches of ` +
            `${SALESFORCE_MIN_BATCH} (two pages), optional fields other than ${SALESFORCE_VISIBLE[object].join(', ')} hidden ` +
            'from the integration user; then the run resumed from its first checkpoint. Made by `npm run recordings`.',
        });
      } finally {
        await sandbox.close();
      }
    },
  };
}

/**
 * An incremental run after a first sync: one record changed and one created (one search page), two archived (the
 * archived list read one per page: two more pages). The first sync itself is not recorded; its checkpoint is the run's.
 */
function hubspotScenario(file: string, sync: SyncDefinition, object: HubSpotObject): Scenario {
  return {
    file,
    provider: hubspot,
    sync,
    async record() {
      const sandbox = await startHubSpotSandbox({ seed: 24, tenSecondlyLimit: 0 });
      try {
        const ids = sandbox.seed(object, 4);
        const grant = sandbox.issueGrant();
        const plainClient = httpClient(hubspot, sandbox.url, grant.accessToken);
        const first = await collect(await readSync(sync, plainClient, { mode: 'incremental', checkpoint: null, pageSize: hubspot.api.pageSize, lookbackMs: 0 }));
        const name = object === 'contacts' ? { firstname: 'Recorded', lastname: 'Newcomer', email: 'recorded.newcomer@example.com' } : { name: 'Recorded Newcomer Ltd', domain: 'newcomer.example' };
        sandbox.update(object, ids[0], object === 'contacts' ? { jobtitle: 'Recorded change' } : { industry: 'RECORDED_CHANGE' });
        sandbox.create(object, name);
        sandbox.archive(object, ids[1]);
        sandbox.archive(object, ids[2]);
        return await recordRun({
          sync,
          provider: hubspot,
          baseUrl: sandbox.url,
          accessToken: grant.accessToken,
          secrets: { 'access token': grant.accessToken, 'refresh token': grant.refreshToken, 'client secret': 'hubspot-sandbox-client-secret' },
          run: { mode: 'incremental', checkpoint: first.at(-1)?.checkpoint ?? null, pageSize: 1, lookbackMs: hubspot.api.incrementalLookbackMs ?? 0 },
          description:
            `HubSpot sandbox (seed 24): after a first sync of 4 ${object}, one changed, one created and two archived; ` +
            'the incremental run that reads them with pages of one. Made by `npm run recordings`.',
        });
      } finally {
        await sandbox.close();
      }
    },
  };
}

/**
 * An incremental run after a first sync of 4 records (not recorded; its checkpoint is the run's): one changed and one
 * created (two listing pages of one, the second by page token), one deleted to the recycle bin and one permanently
 * (one page of the deleted list). The org is in the EU, its times at UTC+02:00.
 */
function zohoScenario(file: string, sync: SyncDefinition, module: ZohoModule): Scenario {
  return {
    file,
    provider: zoho,
    sync,
    async record() {
      const sandbox = await startZohoSandbox({ seed: 24 });
      try {
        const org = sandbox.org('nordlicht');
        const ids = org.seed(module, 4);
        const grant = sandbox.issueGrant({ org: org.name });
        const plainClient = httpClient(zoho, grant.apiDomain, grant.accessToken);
        const first = await collect(await readSync(sync, plainClient, { mode: 'incremental', checkpoint: null, pageSize: zoho.api.pageSize, lookbackMs: 0 }));
        org.update(module, ids[0], module === 'Contacts' ? { Title: 'Recorded change' } : { Industry: 'Retail' });
        org.create(module, module === 'Contacts' ? { Last_Name: 'Newcomer', First_Name: 'Recorded', Email: 'recorded.newcomer@example.com' } : { Account_Name: 'Recorded Newcomer GmbH' });
        org.delete(module, ids[1]);
        org.delete(module, ids[2], { permanent: true });
        return await recordRun({
          sync,
          provider: zoho,
          baseUrl: grant.apiDomain,
          accessToken: grant.accessToken,
          secrets: { 'access token': grant.accessToken, 'refresh token': grant.refreshToken, 'client secret': sandbox.clientSecret },
          run: { mode: 'incremental', checkpoint: first.at(-1)?.checkpoint ?? null, pageSize: 1, lookbackMs: zoho.api.incrementalLookbackMs ?? 0 },
          description:
            `Zoho CRM sandbox (seed 24, EU org): after a first sync of 4 ${module}, one changed, one created, one deleted to the ` +
            'recycle bin and one permanently; the incremental run that reads them with pages of one. Made by `npm run recordings`.',
        });
      } finally {
        await sandbox.close();
      }
    },
  };
}

/**
 * A change-tracking run after a first sync: one row changed, one created, two deleted, read from the delta link in
 * pages of two (the changed rows, then the `$deletedEntity` items); its last page hands out the next delta link.
 */
function dynamicsScenario(file: string, sync: SyncDefinition, entitySet: EntitySet): Scenario {
  return {
    file,
    provider: dynamics,
    sync,
    async record() {
      const sandbox = await startDynamicsSandbox({ seed: 24, environments: [{ name: 'contoso' }] });
      try {
        const environment = sandbox.environment('contoso');
        const ids = environment.seed(entitySet, 5);
        const grant = sandbox.issueGrant();
        const plainClient = httpClient(dynamics, environment.apiUrl, grant.accessToken);
        const first = await collect(await readSync(sync, plainClient, { mode: 'incremental', checkpoint: null, pageSize: dynamics.api.pageSize, lookbackMs: 0 }));
        environment.update(entitySet, ids[0], entitySet === 'contacts' ? { jobtitle: 'Recorded change' } : { websiteurl: 'https://recorded.example' });
        environment.create(entitySet, entitySet === 'contacts' ? { firstname: 'Recorded', lastname: 'Newcomer', emailaddress1: 'recorded.newcomer@example.com' } : { name: 'Recorded Newcomer Ltd' });
        environment.delete(entitySet, ids[1]);
        environment.delete(entitySet, ids[2]);
        return await recordRun({
          sync,
          provider: dynamics,
          baseUrl: environment.apiUrl,
          accessToken: grant.accessToken,
          secrets: { 'access token': grant.accessToken, 'refresh token': grant.refreshToken, 'client secret': 'dynamics-sandbox-client-secret' },
          run: { mode: 'incremental', checkpoint: first.at(-1)?.checkpoint ?? null, pageSize: 2, lookbackMs: 0 },
          description:
            `Dynamics 365 sandbox (seed 24): after a first sync of 5 ${entitySet}, one changed, one created and two deleted; ` +
            'the change-tracking run that reads them from the delta link in pages of two. Made by `npm run recordings`.',
        });
      } finally {
        await sandbox.close();
      }
    },
  };
}

/**
 * An incremental run after a first sync of 4 records (not recorded; its checkpoint is the run's): two changed in one
 * bulk edit, then one changed, one created and one more changed in one later second, read in pages of 3, so the
 * later second's tie group is cut by the page boundary. Each resume re-reads its checkpoint's second (recorded too).
 */
function pipedriveScenario(file: string, sync: SyncDefinition, object: PipedriveObject): Scenario {
  return {
    file,
    provider: pipedrive,
    sync,
    async record() {
      const sandbox = await startPipedriveSandbox({ seed: 24 });
      try {
        const ids = sandbox.seed(object, 4, { tieGroupSize: 1 });
        const grant = sandbox.issueGrant();
        const plainClient = httpClient(pipedrive, grant.apiDomain, grant.accessToken);
        const first = await collect(await readSync(sync, plainClient, { mode: 'incremental', checkpoint: null, pageSize: pipedrive.api.pageSize, lookbackMs: 0 }));
        // Past the lookback: the run reads only what changed here.
        sandbox.advanceClock(60_000);
        sandbox.updateMany(object, [ids[0], ids[1]], { name: 'Recorded Bulk Edit' });
        sandbox.advanceClock(1000);
        sandbox.update(object, ids[2], { name: 'Recorded Change' });
        sandbox.create(object, { name: object === 'persons' ? 'Recorded Newcomer' : 'Recorded Newcomer Ltd' });
        sandbox.update(object, ids[3], { name: 'Recorded Change Too' });
        return await recordRun({
          sync,
          provider: pipedrive,
          baseUrl: grant.apiDomain,
          accessToken: grant.accessToken,
          secrets: { 'access token': grant.accessToken, 'refresh token': grant.refreshToken, 'client secret': 'pipedrive-sandbox-client-secret' },
          run: { mode: 'incremental', checkpoint: first.at(-1)?.checkpoint ?? null, pageSize: 3, lookbackMs: pipedrive.api.incrementalLookbackMs ?? 0 },
          description:
            `Pipedrive sandbox (seed 24): after a first sync of 4 ${object}, two changed in one bulk edit, then one changed, ` +
            'one created and one changed in one later second; the incremental run that reads them in pages of 3. Made by `npm run recordings`.',
        });
      } finally {
        await sandbox.close();
      }
    },
  };
}

function httpClient(provider: ProviderDefinition, baseUrl: string, accessToken: string, extra: Partial<HttpClientOptions> = {}) {
  return createProviderHttpClient({
    baseUrl,
    accessToken,
    // The sandboxes listen on loopback; everything else about the client is the provider's own.
    urlRules: providerCatalog.withUrlPolicy({ allowLoopback: true }).urlRules(provider.key),
    maxResponseBytes: provider.api.maxResponseBytes,
    errorRules: provider.api.errorRules,
    authorizationScheme: provider.api.authorizationScheme,
    timeoutMs: 10_000,
    ...extra,
  });
}

async function collect(read: { pages: AsyncIterable<ReadPage> }): Promise<ReadPage[]> {
  const pages: ReadPage[] = [];
  for await (const page of read.pages) pages.push(page);
  return pages;
}

/**
 * Runs the sync once with the recorder on, then each resume from one of its checkpoints (but the last, which starts the
 * next run), so that a test can replay those too: the requests a resume makes that the run did not (a Salesforce
 * resume is a new query from the checkpoint) are made live and recorded.
 */
async function recordRun(input: {
  sync: SyncDefinition;
  provider: ProviderDefinition;
  baseUrl: string;
  accessToken: string;
  secrets: Record<string, string>;
  run: ReadSyncOptions & { mode: 'full' | 'incremental' };
  description: string;
}): Promise<RecordedSync> {
  const recorder = new SyncRecorder({
    apiBaseUrl: input.baseUrl,
    secrets: input.secrets,
    run: { mode: input.run.mode, checkpoint: input.run.checkpoint, pageSize: input.run.pageSize, lookbackMs: input.run.lookbackMs },
    provider: input.provider.key,
    model: input.sync.model,
    description: input.description,
  });
  const http = httpClient(input.provider, input.baseUrl, input.accessToken, { onExchange: recorder.onExchange });
  const read = await readSync(input.sync, http, input.run);
  const live = await collect(read);
  for (let page = 0; page < live.length - 1; page++) {
    // What the recording already answers is replayed; only what it cannot (a new query from the checkpoint) goes live.
    const replayFirst = new ReplayHttpClient(recorder.recording(), input.provider.api.errorRules, http);
    // A checkpoint holding a next link (Dynamics') names the live host, which the recording calls PLACEHOLDER_ORIGIN.
    const checkpoint = JSON.parse(JSON.stringify(live[page].checkpoint).replaceAll(new URL(input.baseUrl).origin, PLACEHOLDER_ORIGIN)) as Checkpoint | null;
    await collect(await readSync(input.sync, replayFirst, { ...input.run, checkpoint, lookbackMs: 0 }));
  }
  return { recording: recorder.recording(), live, save: (file) => recorder.save(file) };
}

async function main(): Promise<void> {
  await mkdir(RECORDINGS_DIR, { recursive: true });
  for (const scenario of SCENARIOS) {
    const { recording, live, save } = await scenario.record();
    await save(join(RECORDINGS_DIR, scenario.file));
    const records = live.reduce((sum, page) => sum + page.records.length, 0);
    const deletes = live.reduce((sum, page) => sum + page.deletedIds.length, 0);
    process.stdout.write(`${scenario.file}: ${live.length} pages, ${records} records, ${deletes} deletes, ${recording.exchanges.length} exchanges\n`);
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  });
}
