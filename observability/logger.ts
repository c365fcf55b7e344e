// One structured JSON logger per process (pino), with secrets redacted even if someone logs them by mistake.
import pino, { type Logger } from 'pino';

const REDACTED_PATHS = [
  '*.accessToken', '*.refreshToken', '*.clientSecret', '*.access_token', '*.refresh_token', '*.client_secret',
  '*.authorization', '*.headers.authorization', 'req.headers.authorization', '*.secretKey',
];

export function createLogger(name: string, level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ name, level, redact: { paths: REDACTED_PATHS, censor: '[redacted]' } });
}
