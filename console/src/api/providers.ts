// The providers this deployment's catalog holds, as its OpenAPI document names them (one CreateIntegrationRequest
// variant per provider): the console learns them from the public API like any client, and asks once per visit.
import { request } from './http';

interface DocumentShape {
  components?: { schemas?: { CreateIntegrationRequest?: { oneOf?: { properties?: { provider?: { const?: unknown; enum?: unknown } } }[] } } };
}

let known: Promise<string[]> | null = null;

export function catalogProviders(): Promise<string[]> {
  known ??= request<DocumentShape>('GET', '/openapi.json').then(
    (document) => {
      const variants = document.components?.schemas?.CreateIntegrationRequest?.oneOf ?? [];
      const names = variants.flatMap((variant) => {
        const provider = variant.properties?.provider;
        if (typeof provider?.const === 'string') return [provider.const];
        return Array.isArray(provider?.enum) ? provider.enum.filter((name): name is string => typeof name === 'string') : [];
      });
      return [...new Set(names)].sort();
    },
    (error: unknown) => {
      // Asked again next time: a failed read must not stick for the whole visit.
      known = null;
      throw error;
    },
  );
  return known;
}
