// CLI entry for the Pipedrive sandbox: its OAuth host and one company's API host on fixed ports, seeded.
import { z } from 'zod';
import { runSandboxCli } from '../common/cli';
import { pipedriveSandboxPorts } from './dev-sandbox';
import { startPipedriveSandbox } from './server';

const count = z.coerce.number().int().nonnegative();

const environmentSchema = z.object({
  /** The OAuth host's port; the company's API host listens on the next one. */
  PIPEDRIVE_SANDBOX_PORT: z.coerce.number().int().min(1).max(65534).default(4050),
  PIPEDRIVE_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  PIPEDRIVE_SANDBOX_COMPANY: z.string().min(1).default('sandbox-company'),
  PIPEDRIVE_SANDBOX_SEED_PERSONS: count.default(0),
  PIPEDRIVE_SANDBOX_SEED_ORGANIZATIONS: count.default(0),
  PIPEDRIVE_SANDBOX_AUTO_CONSENT: z.stringbool().default(false),
});

runSandboxCli('pipedrive sandbox', environmentSchema, async (env, logger) => {
  const ports = pipedriveSandboxPorts(env.PIPEDRIVE_SANDBOX_PORT);
  const sandbox = await startPipedriveSandbox({
    host: env.PIPEDRIVE_SANDBOX_HOST,
    port: ports.oauth,
    companies: [{ domain: env.PIPEDRIVE_SANDBOX_COMPANY, host: env.PIPEDRIVE_SANDBOX_HOST, port: ports.company }],
    autoConsent: env.PIPEDRIVE_SANDBOX_AUTO_CONSENT,
  });
  // Organizations first, so seeded persons can belong to them.
  if (env.PIPEDRIVE_SANDBOX_SEED_ORGANIZATIONS > 0) sandbox.seed('organizations', env.PIPEDRIVE_SANDBOX_SEED_ORGANIZATIONS);
  if (env.PIPEDRIVE_SANDBOX_SEED_PERSONS > 0) sandbox.seed('persons', env.PIPEDRIVE_SANDBOX_SEED_PERSONS);
  logger.info({ oauthUrl: sandbox.url, apiDomain: sandbox.apiDomain(), persons: env.PIPEDRIVE_SANDBOX_SEED_PERSONS, organizations: env.PIPEDRIVE_SANDBOX_SEED_ORGANIZATIONS }, 'pipedrive sandbox listening');
  return sandbox;
});
