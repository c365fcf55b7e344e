// Settings that both the API and the worker read from the environment, as zod fragments.
import { z } from 'zod';

export const temporalSettings = {
  TEMPORAL_ADDRESS: z.string().min(1).default('localhost:7233'),
  TEMPORAL_NAMESPACE: z.string().min(1).default('default'),
  TRIBUTARY_TASK_QUEUE: z.string().min(1).default('tributary'),
};

export const databaseSettings = {
  MONGODB_URI: z.string().regex(/^mongodb(\+srv)?:\/\//, 'must be a mongodb:// or mongodb+srv:// URI'),
  MONGODB_DB: z.string().min(1).default('tributary'),
};

/**
 * `keyId:base64Key` pairs separated by commas; the first key encrypts, all of them decrypt,
 * so a key can be rotated by putting the new one first and keeping the old one until re-encrypted.
 */
export const encryptionSettings = {
  TRIBUTARY_ENCRYPTION_KEYS: z
    .string()
    .min(1, 'is required (format: keyId:base64-of-32-bytes[,olderKeyId:…])')
    .transform((value, ctx) => {
      const keys: { id: string; key: Buffer }[] = [];
      for (const part of value.split(',').map((p) => p.trim()).filter(Boolean)) {
        const [id, encoded] = part.split(':');
        const key = encoded ? Buffer.from(encoded, 'base64') : Buffer.alloc(0);
        if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
          ctx.addIssue({ code: 'custom', message: 'each entry must be keyId:base64 of exactly 32 bytes' });
          return z.NEVER;
        }
        keys.push({ id, key });
      }
      if (keys.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'at least one key is required' });
        return z.NEVER;
      }
      return keys;
    }),
};

/** Parses `process.env` once at start-up; a bad value stops the process with a message naming each variable. */
export function parseSettings<T extends z.ZodRawShape>(shape: T, env: NodeJS.ProcessEnv = process.env): z.infer<z.ZodObject<T>> {
  const result = z.object(shape).safeParse(env);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`).join('\n');
    throw new Error(`Invalid configuration:\n${problems}`);
  }
  return result.data;
}
