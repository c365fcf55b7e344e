// Names the catalog's providers in the OpenAPI document: the schemas (the client's too) know none, the server does.
import { providerUrlPattern } from './provider-url-pattern';
import { PROVIDER_KEY_MARK, PROVIDER_URL_MARK } from './schemas';

/** What the document says of a provider: its key, and the hosts its credentials may go to (its catalog entry's). */
export interface DocumentedProvider {
  key: string;
  hosts: readonly string[];
}

type Json = unknown;
type JsonObject = Record<string, Json>;

const isObject = (value: Json): value is JsonObject => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The component schemas with the marks of api/schemas.ts replaced: an object with a provider-key field becomes one
 * variant per provider (`oneOf`, its `provider` a `const`, its URLs on that provider's hosts), so a request the
 * document calls valid names a provider this API has and URLs its host rules accept; any other provider URL may be on
 * any provider's hosts (the one the request addresses is not known to the document, and the API answers 409 for
 * another's); a provider-key field outside such an object lists the keys.
 */
export function withProviders(schemas: Record<string, Json>, providers: readonly DocumentedProvider[]): Record<string, Json> {
  const anyProviderUrl = providerUrlPattern(providers.flatMap((provider) => provider.hosts));
  const split = Object.entries(schemas).map(([id, schema]) => {
    const keyField = isObject(schema) && isObject(schema.properties) ? Object.keys(schema.properties).find((name) => isMarked((schema.properties as JsonObject)[name], PROVIDER_KEY_MARK)) : undefined;
    if (!keyField) return [id, schema];
    const { description, ...shape } = schema as JsonObject;
    const variants = providers.map((provider) => {
      const variant = structuredClone(shape) as JsonObject & { properties: JsonObject };
      const { description: fieldDescription } = variant.properties[keyField] as JsonObject;
      variant.properties[keyField] = { type: 'string', const: provider.key, ...(fieldDescription ? { description: fieldDescription } : {}) };
      return fill(variant, { url: providerUrlPattern(provider.hosts), keys: [provider.key] });
    });
    return [id, { ...(description ? { description } : {}), oneOf: variants }];
  });
  return fill(Object.fromEntries(split), { url: anyProviderUrl, keys: providers.map((provider) => provider.key) }) as Record<string, Json>;
}

function isMarked(schema: Json, mark: string): boolean {
  return isObject(schema) && schema[mark] === true;
}

/** A copy with every marked URL given the pattern and every marked key the enum, and the marks removed. */
function fill(value: Json, values: { url: string; keys: readonly string[] }): Json {
  if (Array.isArray(value)) return value.map((item) => fill(item, values));
  if (!isObject(value)) return value;
  const { [PROVIDER_KEY_MARK]: key, [PROVIDER_URL_MARK]: url, ...rest } = value;
  const filled = Object.fromEntries(Object.entries(rest).map(([name, child]) => [name, fill(child, values)]));
  if (url === true) filled.pattern = values.url;
  if (key === true) {
    // The identifier pattern says nothing the enum does not.
    delete filled.pattern;
    filled.enum = [...values.keys];
  }
  return filled;
}
