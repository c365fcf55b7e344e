// The provider catalog: every provider Tributary can sync, validated loudly when the process loads it.
import { parseDuration } from '../sync/duration';
import type { SyncDefinition } from '../sync/sync-definition';
import type { ProviderDefinition } from './provider-definition';
import { salesforce } from './salesforce/salesforce.provider';

export class ProviderCatalog {
  private readonly byKey: Map<string, ProviderDefinition>;

  constructor(providers: ProviderDefinition[]) {
    this.byKey = new Map();
    for (const provider of providers) {
      validateProvider(provider);
      if (this.byKey.has(provider.key)) throw new Error(`provider catalog: duplicate provider "${provider.key}"`);
      this.byKey.set(provider.key, provider);
    }
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  find(key: string): ProviderDefinition | undefined {
    return this.byKey.get(key);
  }

  get(key: string): ProviderDefinition {
    const provider = this.byKey.get(key);
    if (!provider) throw new Error(`unknown provider "${key}"`);
    return provider;
  }

  sync(providerKey: string, model: string): SyncDefinition {
    const sync = this.get(providerKey).syncs.find((s) => s.model === model);
    if (!sync) throw new Error(`provider "${providerKey}" has no model "${model}"`);
    return sync;
  }
}

function validateProvider(provider: ProviderDefinition): void {
  const fail = (message: string): never => {
    throw new Error(`provider catalog: ${provider.key || '(no key)'}: ${message}`);
  };
  if (!/^[a-z][a-z0-9-]*$/.test(provider.key)) fail('key must be lower-case letters, digits and dashes');
  for (const url of [provider.oauth.authorizationUrl, provider.oauth.tokenUrl, provider.api.baseUrl]) {
    if (url !== undefined && !URL.canParse(url)) fail(`"${url}" is not a URL`);
  }
  if (!provider.api.baseUrl && !provider.oauth.instanceUrlField) fail('needs api.baseUrl or oauth.instanceUrlField');
  if (provider.api.pageSize < 1) fail('api.pageSize must be positive');
  const models = new Set<string>();
  for (const sync of provider.syncs) {
    if (!/^[a-z][a-z0-9_]*$/.test(sync.model)) fail(`model "${sync.model}" must be lower-case letters, digits and underscores`);
    if (models.has(sync.model)) fail(`duplicate model "${sync.model}"`);
    models.add(sync.model);
    if (parseDuration(sync.defaultFrequency) === null) fail(`model "${sync.model}" has an invalid defaultFrequency`);
  }
}

export const providerCatalog = new ProviderCatalog([salesforce]);
