// Stops the services global setup started (nothing when TEMPORAL_ADDRESS / MONGODB_URI pointed at existing ones).
import type { TributaryTestGlobals } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const globals = globalThis as TributaryTestGlobals;
  const services = globals.__tributaryTestServices ?? [];
  globals.__tributaryTestServices = [];
  const results = await Promise.allSettled(services.map((service) => service.stop()));
  for (const result of results) {
    if (result.status === 'rejected') process.stderr.write(`[test] a service did not stop cleanly: ${String(result.reason)}\n`);
  }
}
