// CLI entry for the Salesforce sandbox: parse the environment once, start the fake org, stop cleanly on a signal.
import { z } from 'zod';
import { runSandboxCli } from './common/cli';
import { startSalesforceSandbox } from './salesforce/server';

const count = z.coerce.number().int().nonnegative();

// The client id and secret default because the sandbox is a fake org whose "connected app" guards nothing real.
const environmentSchema = z.object({
  SANDBOX_PORT: z.coerce.number().int().min(0).max(65535).default(4010),
  SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  SANDBOX_SESSION_LIFETIME_SECONDS: z.coerce.number().positive().default(7200),
  SANDBOX_SEED_CONTACTS: count.default(0),
  SANDBOX_SEED_ACCOUNTS: count.default(0),
  SANDBOX_CLIENT_ID: z.string().min(1).default('sandbox-client-id'),
  SANDBOX_CLIENT_SECRET: z.string().min(1).default('sandbox-client-secret'),
  SANDBOX_AUTO_CONSENT: z.stringbool().default(false),
  SANDBOX_ROTATE_REFRESH_TOKENS: z.stringbool().default(false),
  SANDBOX_TOKEN_LATENCY_MS: count.default(0),
  SANDBOX_DAILY_API_LIMIT: count.default(100_000),
  SANDBOX_SEED: z.coerce.number().int().default(1),
});

runSandboxCli('salesforce sandbox', environmentSchema, async (env, logger) => {
  const sandbox = await startSalesforceSandbox({
    port: env.SANDBOX_PORT,
    host: env.SANDBOX_HOST,
    clientId: env.SANDBOX_CLIENT_ID,
    clientSecret: env.SANDBOX_CLIENT_SECRET,
    sessionLifetimeMs: Math.round(env.SANDBOX_SESSION_LIFETIME_SECONDS * 1000),
    autoConsent: env.SANDBOX_AUTO_CONSENT,
    rotateRefreshTokens: env.SANDBOX_ROTATE_REFRESH_TOKENS,
    tokenLatencyMs: env.SANDBOX_TOKEN_LATENCY_MS,
    dailyApiLimit: env.SANDBOX_DAILY_API_LIMIT,
    seed: env.SANDBOX_SEED,
  });
  // Accounts first, so seeded Contacts can point at them.
  if (env.SANDBOX_SEED_ACCOUNTS > 0) sandbox.seed('Account', env.SANDBOX_SEED_ACCOUNTS);
  if (env.SANDBOX_SEED_CONTACTS > 0) sandbox.seed('Contact', env.SANDBOX_SEED_CONTACTS);
  logger.info({ url: sandbox.url, accounts: env.SANDBOX_SEED_ACCOUNTS, contacts: env.SANDBOX_SEED_CONTACTS }, 'salesforce sandbox listening');
  return sandbox;
});
