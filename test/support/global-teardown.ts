// Stops the services global setup started.

export default async function globalTeardown(): Promise<void> {
  const services = (globalThis as { __tributaryServices?: { stop(): Promise<void> }[] }).__tributaryServices ?? [];
  await Promise.all(services.map((service) => service.stop()));
}
