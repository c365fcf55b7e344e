// What the fault tests share: a Salesforce catalog with test-sized waits and timeouts, and the "exactly once" check.
import { ProviderCatalog, providerCatalog } from '../../../providers/catalog';
import type { ProviderApi } from '../../../providers/provider-definition';
import type { SalesforceObject } from '../../../sandbox/salesforce/server';
import { waitForRunAfter } from '../../support/assertions';
import type { SyncDefinition } from '../../../sync';
import type { TestStack } from '../../support/test-stack';

/**
 * Salesforce as the catalog has it, with some API settings changed (waits of seconds instead of hours, …), and its
 * syncs reading their fixed field lists: no describe call before the first page, so every request a fault hits or a
 * test counts is a query page. Field discovery has its own tests (salesforce-fields.test.ts).
 */
export function salesforceCatalog(change: (api: ProviderApi) => Partial<ProviderApi>): ProviderCatalog {
  const salesforce = providerCatalog.withApi('salesforce', change).get('salesforce');
  return new ProviderCatalog([{ ...salesforce, syncs: salesforce.syncs.map(withoutFieldDiscovery) }]);
}

export function withoutFieldDiscovery(sync: SyncDefinition): SyncDefinition {
  return { ...sync, fields: undefined };
}

/** The catalog's rules with every fixed rate-limit wait replaced by `fixedMs`. */
export function shortRuleWaits(api: ProviderApi, fixedMs: number): ProviderApi['errorRules'] {
  return { ...api.errorRules, rules: api.errorRules.rules.map((rule) => (rule.wait ? { ...rule, wait: { fixedMs } } : rule)) };
}

/** Query, queryAll and queryMore calls the sandbox answered so far: the pages asked for, retries included. */
export function dataRequests(stack: TestStack): number {
  const requests = stack.sandbox.stats().requests;
  return (requests.query ?? 0) + (requests.queryAll ?? 0) + (requests.queryMore ?? 0);
}

/**
 * Connects, waits for the model's first run to end and returns its view from the status API; `meanwhile` runs
 * beside the run (a test ending a fault once the sandbox has seen enough of it).
 */
export async function syncOnce(stack: TestStack, connectionId: string, model: string, timeoutMs = 90_000, meanwhile?: () => Promise<void>) {
  const created = await stack.connectSalesforce(connectionId, { [model]: { frequency: '1h' } });
  if (created.status !== 201) throw new Error(`connect ${connectionId}: ${created.status} ${JSON.stringify(created.body)}`);
  const [run] = await Promise.all([waitForRunAfter(stack, connectionId, model, null, timeoutMs), meanwhile?.()]);
  return run;
}

/** Every live record of the sandbox is stored for the connection, once, with the sandbox's values. */
export async function expectStoredExactlyOnce(stack: TestStack, connectionId: string, model: string, object: SalesforceObject): Promise<void> {
  const truth = stack.sandbox.records(object);
  const docs = await stack.store.records.collection.find({ connectionId, model }).toArray();
  expect(docs).toHaveLength(truth.length);
  const byId = new Map(docs.map((doc) => [doc.externalId, doc]));
  expect(byId.size).toBe(truth.length);
  for (const record of truth) {
    expect(byId.get(record.Id)?.data.LastName ?? byId.get(record.Id)?.data.Name).toBe(record.LastName ?? record.Name);
  }
}
