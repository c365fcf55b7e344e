// A sandbox's options at start and while it runs: the caller's values over the defaults, checked by the provider's
// schema, and the option schemas every sandbox spells the same way.
import { z } from 'zod';
import { controlError, fieldProblems } from './errors';

/** A TCP port to listen on; 0 lets the system pick a free one. */
export const portNumber = z.number().int().min(0).max(65535);

/** A URL option whose empty string means "none" (no webhooks sent, the sandbox's own URL reported). */
export const urlOrNone = z.union([z.literal(''), z.url()]);

/** Where the sandbox listens (the login or OAuth host, where it has several) and the app registered with it. */
export const LISTENER_AND_APP_OPTIONS = {
  port: portNumber.optional(),
  host: z.string().min(1).optional(),
  clientId: z.string().min(1).optional(),
  clientSecret: z.string().min(1).optional(),
};

/** Bad options at start are a programming error, so they throw a plain Error listing every problem. */
export function resolveOptions<Options extends object>(schema: z.ZodType<Options>, defaults: Required<Options>, options: Options): Required<Options> {
  const parsed = schema.safeParse(options);
  if (!parsed.success) {
    const problems = fieldProblems(parsed.error);
    throw new Error(`invalid sandbox options: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`);
  }
  const defined = Object.fromEntries(Object.entries(parsed.data).filter(([, value]) => value !== undefined));
  return { ...defaults, ...defined };
}

/**
 * Changes `resolved` in place (routes read it per request) and returns the checked change, so the caller can act on
 * options that need more than a new value, such as a new seed.
 */
export function changeOptions<Options extends object>(resolved: Required<Options>, schema: z.ZodType<Options>, partial: unknown): Options {
  const parsed = schema.safeParse(partial);
  if (!parsed.success) throw controlError(400, 'invalid options', fieldProblems(parsed.error));
  for (const [key, value] of Object.entries(parsed.data)) {
    // Where the server listens is fixed once it runs.
    if (value === undefined || key === 'port' || key === 'host') continue;
    (resolved as unknown as Record<string, unknown>)[key] = value;
  }
  return parsed.data;
}
