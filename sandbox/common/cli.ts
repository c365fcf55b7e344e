// How every sandbox runs as a process: its environment parsed once (each bad variable named), started, stopped
// cleanly on SIGINT/SIGTERM, and a start that fails said once with a non-zero exit.
import pino, { type Logger } from 'pino';
import type { z } from 'zod';


export function runSandboxCli<Schema extends z.ZodType>(
  name: string,
  environment: Schema,
  start: (env: z.output<Schema>, logger: Logger) => Promise<{ close(): Promise<void> }>,
): void {
  const logger = pino({ name: name.replace(/ /g, '-') });
  const main = async () => {
    const parsed = environment.safeParse(process.env);
    if (!parsed.success) {
      for (const issue of parsed.error.issues) logger.error({ variable: issue.path.join('.'), problem: issue.message }, 'invalid configuration');
      process.exit(1);
    }
    const sandbox = await start(parsed.data, logger);
    const stop = (signal: string) => {
      logger.info({ signal }, 'stopping');
      sandbox.close().then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ err: error }, 'close failed');
          process.exit(1);
        },
      );
    };
    process.once('SIGINT', () => stop('SIGINT'));
    process.once('SIGTERM', () => stop('SIGTERM'));
  };
  main().catch((error: unknown) => {
    logger.fatal({ err: error }, `${name} failed to start`);
    process.exit(1);
  });
}
