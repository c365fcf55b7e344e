// CLI entry for the Dynamics 365 sandbox: parse the environment once, start the login host and its environments on
// fixed ports (so `npm run dev` can print their URLs), seed them, stop cleanly on a signal.
import { z } from 'zod';
import { runSandboxCli } from '../common/cli';
import { startDynamicsSandbox } from './server';

const count = z.coerce.number().int().nonnegative();
const port = z.coerce.number().int().min(0).max(65535);

// The client id and secret default to the sandbox's own: its "app registration" guards nothing real.
const environmentSchema = z.object({
  DYNAMICS_SANDBOX_PORT: port.default(4040),
  DYNAMICS_SANDBOX_HOST: z.string().min(1).default('127.0.0.1'),
  /** `name:port` pairs, e.g. `contoso:4041,fabrikam:4042`: the environments and where each listens. */
  DYNAMICS_SANDBOX_ENVIRONMENTS: z
    .string()
    .regex(/^[a-z][a-z0-9-]*:\d+(,[a-z][a-z0-9-]*:\d+)*$/, 'name:port pairs separated by commas, e.g. contoso:4041,fabrikam:4042')
    .default('contoso:4041,fabrikam:4042'),
  DYNAMICS_SANDBOX_SEED_CONTACTS: count.default(0),
  DYNAMICS_SANDBOX_SEED_ACCOUNTS: count.default(0),
  DYNAMICS_SANDBOX_AUTO_CONSENT: z.stringbool().default(false),
  DYNAMICS_SANDBOX_SEED: z.coerce.number().int().default(1),
});

runSandboxCli('dynamics sandbox', environmentSchema, async (env, logger) => {
  const sandbox = await startDynamicsSandbox({
    port: env.DYNAMICS_SANDBOX_PORT,
    host: env.DYNAMICS_SANDBOX_HOST,
    environments: env.DYNAMICS_SANDBOX_ENVIRONMENTS.split(',').map((pair) => {
      const [name, environmentPort] = pair.split(':');
      return { name, port: Number(environmentPort) };
    }),
    autoConsent: env.DYNAMICS_SANDBOX_AUTO_CONSENT,
    seed: env.DYNAMICS_SANDBOX_SEED,
  });
  for (const environment of sandbox.environments) {
    // Accounts first, so seeded contacts can name them as their company.
    if (env.DYNAMICS_SANDBOX_SEED_ACCOUNTS > 0) environment.seed('accounts', env.DYNAMICS_SANDBOX_SEED_ACCOUNTS);
    if (env.DYNAMICS_SANDBOX_SEED_CONTACTS > 0) environment.seed('contacts', env.DYNAMICS_SANDBOX_SEED_CONTACTS);
  }
  logger.info(
    { login: sandbox.url, tenantId: sandbox.tenantId, environments: sandbox.environments.map((environment) => environment.url), accounts: env.DYNAMICS_SANDBOX_SEED_ACCOUNTS, contacts: env.DYNAMICS_SANDBOX_SEED_CONTACTS },
    'dynamics sandbox listening',
  );
  return sandbox;
});
