// Applies the deployment's per-provider limits from the worker's configuration to the provider catalog.
import type { ProviderCatalog } from '../providers/catalog';
import type { WorkerConfig } from './config';

/** The catalog with the deployment's quota shares and concurrency limits; an unknown provider key stops the worker. */
export function withOperatorLimits(
  catalog: ProviderCatalog,
  config: Pick<WorkerConfig, 'TRIBUTARY_PROVIDER_QUOTA_SHARES' | 'TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS'>,
): ProviderCatalog {
  const shares = config.TRIBUTARY_PROVIDER_QUOTA_SHARES;
  const concurrency = config.TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS;
  const problems: string[] = [];
  for (const [variable, entries] of Object.entries({ TRIBUTARY_PROVIDER_QUOTA_SHARES: shares, TRIBUTARY_PROVIDER_MAX_CONCURRENT_REQUESTS: concurrency })) {
    for (const key of Object.keys(entries)) {
      if (!catalog.find(key)) problems.push(`  ${variable}: unknown provider "${key}" (known: ${catalog.keys().join(', ')})`);
    }
  }
  for (const key of Object.keys(shares)) {
    if (catalog.find(key) && !catalog.get(key).api.quota) problems.push(`  TRIBUTARY_PROVIDER_QUOTA_SHARES: provider "${key}" reports no quota`);
  }
  if (problems.length > 0) throw new Error(`Invalid configuration:\n${problems.join('\n')}`);
  let result = catalog;
  for (const key of new Set([...Object.keys(shares), ...Object.keys(concurrency)])) {
    result = result.withApi(key, (api) => ({
      ...(concurrency[key] === undefined ? {} : { maxConcurrentRequests: concurrency[key] }),
      ...(shares[key] === undefined || !api.quota ? {} : { quota: { ...api.quota, maxShare: shares[key] } }),
    }));
  }
  return result;
}
