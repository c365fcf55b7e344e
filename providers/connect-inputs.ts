// Connect inputs (ConnectInput in provider-definition.ts): checking the values a customer or an app gives, and filling
// them into the catalog's `{name}` templates (scopes, sign-in and token URLs, the API base).
import { ProviderUrlRules, UrlRefusedError, type OutboundUrlPolicy } from '../security/provider-urls';
import type { ConnectInput, ProviderDefinition } from './provider-definition';

/** A connection's connect inputs by name, as checked: what is stored with it and filled into its templates. */
export type ConnectInputValues = Record<string, string>;

/** A value refused, naming the input, in words the customer who typed it understands. */
export class ConnectInputError extends Error {
  constructor(
    readonly input: string,
    message: string,
    /** The provider asks for no input of this name: well-formed, but not for this provider. */
    readonly notAsked = false,
  ) {
    super(message);
    this.name = 'ConnectInputError';
  }
}

const PLACEHOLDER = /\{([A-Za-z][A-Za-z0-9]*)\}/g;

/** The `{name}`s a template names, in order. */
export function placeholdersOf(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((match) => match[1]);
}

/**
 * The template with every `{name}` replaced by its value. A name without a value throws: the catalog refuses a
 * template naming an input it does not declare, and a connection of a provider with inputs always has them all.
 */
export function fillConnectInputs(template: string, values: Readonly<ConnectInputValues>): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    if (!Object.hasOwn(values, name)) throw new Error(`no value for the connect input {${name}}`);
    return values[name];
  });
}

/** Whether any of the templates names a connect input. */
export function namesConnectInputs(...templates: (string | undefined | null)[]): boolean {
  return templates.some((template) => typeof template === 'string' && placeholdersOf(template).length > 0);
}

/** Where a `url` input may point: its own hosts (or the provider's), under the catalog's policy (loopback, extra hosts). */
export function connectInputRules(provider: ProviderDefinition, input: ConnectInput, policy: OutboundUrlPolicy): ProviderUrlRules {
  return new ProviderUrlRules(provider.key, input.hosts ?? provider.hosts, policy);
}

/**
 * The provider's connect inputs, checked and normalised (a URL becomes its origin), from what was given by name.
 * Every declared input must be given; a name the provider does not ask for is refused too, so a typo is not
 * silently dropped. Throws a ConnectInputError naming the first input at fault.
 */
export function checkConnectInputs(
  provider: ProviderDefinition,
  policy: OutboundUrlPolicy,
  given: Readonly<Record<string, string | undefined>>,
  /** Only those given must be good (an app pre-filling some of them); otherwise every declared one is required. */
  options: { partial?: boolean } = {},
): ConnectInputValues {
  const declared = provider.connectInputs ?? [];
  for (const name of Object.keys(given)) {
    if (!declared.some((input) => input.name === name)) {
      const asks = declared.length > 0 ? `it asks for ${declared.map((input) => input.name).join(', ')}` : 'it asks for none';
      throw new ConnectInputError(name, `${provider.displayName} does not ask for "${name}" (${asks})`, true);
    }
  }
  const values: ConnectInputValues = {};
  for (const input of declared) {
    const raw = Object.hasOwn(given, input.name) ? given[input.name]?.trim() : undefined;
    if (!raw && options.partial) continue;
    if (!raw) throw new ConnectInputError(input.name, `${input.label} is required (for example ${input.example})`);
    values[input.name] = checkUrlInput(provider, input, policy, raw);
  }
  return values;
}

function checkUrlInput(provider: ProviderDefinition, input: ConnectInput, policy: OutboundUrlPolicy, raw: string): string {
  const refuse = (why: string) => new ConnectInputError(input.name, `${input.label} ${why} (for example ${input.example})`);
  let url: URL;
  try {
    // What people paste: a bare host name means https.
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`);
  } catch {
    throw refuse('is not a URL');
  }
  if (url.pathname !== '/' || url.search || url.hash) throw refuse('must be the address alone, with nothing after the host name');
  try {
    connectInputRules(provider, input, policy).check(url);
  } catch (error) {
    if (error instanceof UrlRefusedError) throw refuse(error.message);
    throw error;
  }
  return url.origin;
}

/** What one sign-in or refresh of a connection uses: the integration's settings with its connect inputs filled in. */
export interface ConnectionOAuthTargets {
  authorizationUrl: string;
  tokenUrl: string;
  scopes: string[];
  /** The connection's own API base when the provider's is a template (`{environmentUrl}/api/data/v9.2`); else null. */
  apiBaseUrl: string | null;
}

/**
 * The host a connection's own API calls go to, stored with its credentials: the one its token answer named
 * (`oauth.apiBaseUrlField`), else the one its connect inputs make; null for neither, and the integration's or the
 * provider's applies (security/connection-api-base-url.ts).
 */
export function connectionOwnApiBase(namedByTokenAnswer: string | null | undefined, targets: Pick<ConnectionOAuthTargets, 'apiBaseUrl'>): string | null {
  return namedByTokenAnswer ?? targets.apiBaseUrl;
}

export function connectionOAuthTargets(
  provider: ProviderDefinition,
  integration: { authorizationUrl: string; tokenUrl: string; scopes: readonly string[] },
  values: Readonly<ConnectInputValues>,
): ConnectionOAuthTargets {
  return {
    authorizationUrl: fillConnectInputs(integration.authorizationUrl, values),
    tokenUrl: fillConnectInputs(integration.tokenUrl, values),
    scopes: integration.scopes.map((scope) => fillConnectInputs(scope, values)),
    apiBaseUrl: provider.api.baseUrl && namesConnectInputs(provider.api.baseUrl) ? fillConnectInputs(provider.api.baseUrl, values) : null,
  };
}
