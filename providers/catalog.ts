// The provider catalog: every provider Tributary can sync, validated loudly when the process loads it.
import { parseDuration } from '../contracts/duration';
import { assertTimeZone } from '../contracts/provider-waits';
import type { SyncDefinition } from '../sync/sync-definition';
import { UNIFIED_MODELS, isUnifiedModel } from '../unified-model/unified-crm';
import { LINK_PLACEHOLDERS, type FieldRule, type UnifiedModelMapping } from '../unified-model/unified-mapping';
import { ProviderUrlRules, STRICT_URL_POLICY, UrlRefusedError, hostPatternRegExp, type OutboundUrlPolicy } from '../security/provider-urls';
import { connectInputRules, fillConnectInputs, placeholdersOf } from './connect-inputs';
import type { AccountIdentity, ProviderApi, ProviderDefinition } from './provider-definition';
import type { ProviderWebhooks } from './provider-webhooks';
import { dynamics } from './dynamics/dynamics.provider';
import { hubspot } from './hubspot/hubspot.provider';
import { pipedrive } from './pipedrive/pipedrive.provider';
import { salesforce } from './salesforce/salesforce.provider';
import { zoho } from './zoho/zoho.provider';

export class ProviderCatalog {
  private readonly byKey: Map<string, ProviderDefinition>;
  private readonly rules = new Map<string, ProviderUrlRules>();

  /** `urlPolicy`: what the operator allows beyond each provider's own hosts; by default nothing. */
  constructor(
    providers: ProviderDefinition[],
    readonly urlPolicy: OutboundUrlPolicy = STRICT_URL_POLICY,
  ) {
    this.byKey = new Map();
    for (const provider of providers) {
      validateProvider(provider);
      if (this.byKey.has(provider.key)) throw new Error(`provider catalog: duplicate provider "${provider.key}"`);
      this.byKey.set(provider.key, provider);
    }
    for (const key of Object.keys(urlPolicy.extraHosts)) {
      if (!this.byKey.has(key)) throw new Error(`provider catalog: extra hosts for unknown provider "${key}" (known: ${this.keys().join(', ')})`);
      for (const pattern of urlPolicy.extraHosts[key]) hostPatternRegExp(pattern);
    }
  }

  /** Where this provider's credentials may be sent, under the catalog's policy. */
  urlRules(key: string): ProviderUrlRules {
    let rules = this.rules.get(key);
    if (!rules) {
      rules = new ProviderUrlRules(key, this.get(key).hosts, this.urlPolicy);
      this.rules.set(key, rules);
    }
    return rules;
  }

  /** A copy of the catalog under another URL policy (the operator's extra hosts, a development stack's loopback). */
  withUrlPolicy(policy: Partial<OutboundUrlPolicy>): ProviderCatalog {
    return new ProviderCatalog([...this.byKey.values()], { ...this.urlPolicy, ...policy });
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

  /**
   * A copy of the catalog with one provider's API settings replaced, validated like the original: a deployment's
   * overrides (quota share, concurrency) and tests that need, say, a one-second request timeout.
   */
  withApi(key: string, change: (api: ProviderApi) => Partial<ProviderApi>): ProviderCatalog {
    return new ProviderCatalog(
      [...this.byKey.values()].map((provider) => (provider.key === key ? { ...provider, api: { ...provider.api, ...change(provider.api) } } : provider)),
      this.urlPolicy,
    );
  }

  /** A copy of the catalog with one more sync for a provider, validated like the rest (e.g. a test's own sync). */
  withSync(key: string, sync: SyncDefinition): ProviderCatalog {
    this.get(key);
    return new ProviderCatalog(
      [...this.byKey.values()].map((provider) => (provider.key === key ? { ...provider, syncs: [...provider.syncs, sync] } : provider)),
      this.urlPolicy,
    );
  }

  /** How one of a provider's models reads as a unified model (`crm.contacts`); undefined when it has no such mapping. */
  unifiedModel(providerKey: string, model: string): UnifiedModelMapping | undefined {
    return this.get(providerKey).unifiedModels?.find((mapping) => mapping.model === model);
  }

  /** The unified models a provider model's changes show up in: a `contacts` change is a `crm.contacts` change. */
  unifiedModelsOf(providerKey: string, model: string): string[] {
    return (this.find(providerKey)?.unifiedModels ?? []).filter((mapping) => mapping.from === model).map((mapping) => mapping.model);
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
  if (provider.hosts.length === 0) fail('hosts must name at least one host its credentials may go to');
  for (const pattern of provider.hosts) {
    try {
      hostPatternRegExp(pattern);
    } catch (error) {
      fail((error as Error).message);
    }
  }
  const examples = validateConnectInputs(provider, fail);
  // The catalog's own URLs must pass its own host rules, or no connection could ever work: templates with the
  // connect inputs' examples filled in.
  const ownRules = new ProviderUrlRules(provider.key, provider.hosts, STRICT_URL_POLICY);
  for (const url of [provider.oauth.authorizationUrl, provider.oauth.tokenUrl, provider.api.baseUrl]) {
    if (url === undefined) continue;
    try {
      ownRules.check(fillConnectInputs(url, examples));
    } catch (error) {
      fail(`"${url}" ${error instanceof UrlRefusedError ? error.message : 'is not a URL'}`);
    }
  }
  if (!(provider.api.maxResponseBytes > 0) || !(provider.oauth.maxResponseBytes > 0)) fail('api.maxResponseBytes and oauth.maxResponseBytes must be positive');
  if (!(provider.api.errorRules.maxRateLimitWaitMs > 0)) fail('api.errorRules.maxRateLimitWaitMs must be positive');
  if (!provider.api.baseUrl && !provider.oauth.apiBaseUrlField) fail('needs api.baseUrl or oauth.apiBaseUrlField');
  validateAccountIdentity(provider.accountIdentity, fail);
  // Shapes decided for the next providers, not yet read by the engine: an entry relying on one would silently not work.
  if (provider.oauth.tokenHostFromCallback) validateDataCentres(provider, fail);
  if (provider.api.pageSize < 1) fail('api.pageSize must be positive');
  if (!(provider.api.requestTimeoutMs > 0)) fail('api.requestTimeoutMs must be positive');
  if (!Number.isInteger(provider.api.maxConcurrentRequests) || provider.api.maxConcurrentRequests < 1) {
    fail('api.maxConcurrentRequests must be a positive integer');
  }
  const quota = provider.api.quota;
  if (quota && !(quota.maxShare > 0 && quota.maxShare <= 1)) fail('api.quota.maxShare must be above 0 and at most 1');
  if (quota && !(quota.waitMs > 0)) fail('api.quota.waitMs must be positive');
  const backoff = provider.api.errorRules.rateLimitBackoff;
  if (!(backoff.baseMs > 0 && backoff.capMs >= backoff.baseMs)) fail('api.errorRules.rateLimitBackoff needs 0 < baseMs <= capMs');
  for (const rule of provider.api.errorRules.rules) {
    if (rule.wait && rule.kind !== 'rate_limited') fail(`error rule "${rule.reason}" has a wait but is not rate_limited`);
    if (rule.wait && 'fixedMs' in rule.wait && !(rule.wait.fixedMs > 0)) fail(`error rule "${rule.reason}" needs a positive wait`);
    // Without a wait of its own, a rule that ignores the reset headers would back off blindly: say what it waits.
    if (rule.ignoreResetHeaders && !rule.wait) fail(`error rule "${rule.reason}" ignores the reset headers but names no wait`);
    if (rule.wait && 'untilNextMidnightIn' in rule.wait) {
      try {
        assertTimeZone(rule.wait.untilNextMidnightIn);
      } catch {
        fail(`error rule "${rule.reason}" names an unknown time zone "${rule.wait.untilNextMidnightIn}"`);
      }
    }
  }
  const models = new Set<string>();
  for (const sync of provider.syncs) {
    if (!/^[a-z][a-z0-9_]*$/.test(sync.model)) fail(`model "${sync.model}" must be lower-case letters, digits and underscores`);
    if (models.has(sync.model)) fail(`duplicate model "${sync.model}"`);
    models.add(sync.model);
    if (parseDuration(sync.defaultFrequency) === null) fail(`model "${sync.model}" has an invalid defaultFrequency`);
    if (sync.fullResyncEvery !== undefined && !(Number(parseDuration(sync.fullResyncEvery)) > 0)) fail(`model "${sync.model}" has an invalid fullResyncEvery`);
  }
  if (provider.webhooks) validateWebhooks(provider.webhooks, models, fail);
  const unified = new Set<string>();
  for (const mapping of provider.unifiedModels ?? []) {
    if (!isUnifiedModel(mapping.model)) fail(`unified model "${mapping.model}" is not one of ${UNIFIED_MODELS.join(', ')}`);
    if (unified.has(mapping.model)) fail(`duplicate unified model "${mapping.model}"`);
    unified.add(mapping.model);
    if (!models.has(mapping.from)) fail(`unified model "${mapping.model}" is read from "${mapping.from}", which the provider does not sync`);
    for (const rule of Object.values(mapping.fields) as (FieldRule | null)[]) {
      if (rule === null) continue;
      for (const name of 'link' in rule ? [...rule.link.matchAll(/\{(\w+)\}/g)].map((m) => m[1]) : []) {
        const known = [...LINK_PLACEHOLDERS, ...(provider.connectInputs ?? []).map((input) => input.name)];
        if (!known.includes(name)) fail(`unified model "${mapping.model}": link placeholder {${name}} is not one of ${known.join(', ')}`);
      }
    }
  }
}

/**
 * Connect inputs are well named and unique, their examples pass their own rules, and every `{name}` a template names
 * is one of them. Returns the examples by name, to check the templated URLs with.
 */
function validateConnectInputs(provider: ProviderDefinition, fail: (message: string) => never): Record<string, string> {
  const examples: Record<string, string> = {};
  for (const input of provider.connectInputs ?? []) {
    if (!/^[a-z][A-Za-z0-9]*$/.test(input.name)) fail(`connect input "${input.name}" must be letters and digits, starting with a lower-case letter`);
    if (Object.hasOwn(examples, input.name)) fail(`duplicate connect input "${input.name}"`);
    if (!input.label.trim()) fail(`connect input "${input.name}" needs a label`);
    for (const pattern of input.hosts ?? []) {
      try {
        hostPatternRegExp(pattern);
      } catch (error) {
        fail(`connect input "${input.name}": ${(error as Error).message}`);
      }
      // Its values are filled into URLs that carry credentials: they may only narrow the provider's hosts.
      if (!provider.hosts.some((own) => hostPatternRegExp(own).test(pattern.replace(/^\*\./, 'x.').replaceAll('*', 'x')))) {
        fail(`connect input "${input.name}": host "${pattern}" is not one of the provider's hosts`);
      }
    }
    try {
      const example = new URL(input.example);
      if (example.pathname !== '/' || example.search || example.hash || example.origin !== input.example.replace(/\/$/, '')) throw new UrlRefusedError('must be an origin alone');
      connectInputRules(provider, input, STRICT_URL_POLICY).check(example);
    } catch (error) {
      fail(`connect input "${input.name}": example "${input.example}" ${error instanceof UrlRefusedError ? error.message : 'is not a URL'}`);
    }
    examples[input.name] = input.example;
  }
  const templates = [provider.oauth.authorizationUrl, provider.oauth.tokenUrl, provider.api.baseUrl ?? '', ...provider.oauth.defaultScopes];
  for (const name of templates.flatMap(placeholdersOf)) {
    if (!Object.hasOwn(examples, name)) fail(`{${name}} names no connect input (declared: ${Object.keys(examples).join(', ') || 'none'})`);
  }
  return examples;
}

function validateAccountIdentity(identity: AccountIdentity, fail: (message: string) => never): void {
  if (!identity.tokenAnswer && !identity.lookup) fail('accountIdentity needs tokenAnswer, lookup or both');
  const pattern = identity.tokenAnswer?.pattern;
  if (pattern && !pattern.source.includes('(?<accountId>')) fail('accountIdentity.tokenAnswer.pattern needs a named group "accountId"');
  // Relative, on the host it is resolved against: the lookup carries the access token. A reference without the
  // leading "/" resolves under the API base's path; none may name a scheme or another host.
  if (identity.lookup && !/^(?:\/(?!\/)|(?![a-z][a-z0-9+.-]*:)[A-Za-z0-9_.~-])/i.test(identity.lookup.path)) {
    fail('accountIdentity.lookup.path must be a path starting with one "/", or a relative path under the API base');
  }
}

/** Every data-centre host is a host pattern of one data centre, and the catalog's own token URL is one's token host. */
function validateDataCentres(provider: ProviderDefinition, fail: (message: string) => never): void {
  const { queryParameter, dataCentres } = provider.oauth.tokenHostFromCallback!;
  if (!queryParameter) fail('oauth.tokenHostFromCallback.queryParameter must name the callback parameter');
  if (!provider.oauth.apiBaseUrlField) fail('oauth.tokenHostFromCallback needs oauth.apiBaseUrlField: the API base is paired with the token host');
  if (dataCentres.length === 0) fail('oauth.tokenHostFromCallback.dataCentres must name at least one data centre');
  const seen = new Set<string>();
  for (const centre of dataCentres) {
    if (!centre.name || seen.has(centre.name)) fail(`data centre names must be unique and non-empty ("${centre.name}")`);
    seen.add(centre.name);
    if (centre.tokenHosts.length === 0 || centre.apiHosts.length === 0) fail(`data centre "${centre.name}" needs token hosts and API hosts`);
    for (const pattern of [...centre.tokenHosts, ...centre.apiHosts]) {
      try {
        hostPatternRegExp(pattern);
      } catch (error) {
        fail(`data centre "${centre.name}": ${(error as Error).message}`);
      }
    }
  }
  const tokenHost = new URL(provider.oauth.tokenUrl);
  const owners = dataCentres.filter((centre) => centre.tokenHosts.some((pattern) => hostPatternRegExp(pattern).test(tokenHost.hostname)));
  if (owners.length !== 1) fail(`oauth.tokenUrl must be the token host of exactly one data centre (it is of ${owners.length})`);
}

function validateWebhooks(webhooks: ProviderWebhooks, models: Set<string>, fail: (message: string) => never): void {
  if (!(webhooks.maxBodyBytes > 0)) fail('webhooks.maxBodyBytes must be positive');
  for (const [objectType, model] of Object.entries(webhooks.modelsByObjectType)) {
    if (!models.has(model)) fail(`webhooks.modelsByObjectType maps "${objectType}" to "${model}", which the provider does not sync`);
  }
}

export const providerCatalog = new ProviderCatalog([salesforce, hubspot, zoho, dynamics, pipedrive]);
