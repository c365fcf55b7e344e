// One structured JSON logger per process (pino), with secrets redacted even if someone logs them by mistake.
import pino, { type Logger } from 'pino';

const REDACTED_PATHS = [
  '*.accessToken', '*.refreshToken', '*.clientSecret', '*.access_token', '*.refresh_token', '*.client_secret',
  '*.authorization', '*.headers.authorization', 'req.headers.authorization', '*.secretKey',
];

/** `destination`: stdout unless given (a test reads what the product would write). */
export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info', destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    name,
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    // The Temporal SDK logs a failure under `error`, which pino would write as `{}`: its reason is kept, as `err`'s is.
    serializers: { error: pino.stdSerializers.err },
  };
  return destination ? pino(options, destination) : pino(options);
}
