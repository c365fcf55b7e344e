// Guards the management API: `Authorization: Bearer <secret key>`, compared in constant time.
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { secretKeyMatches } from '../security/secret-key';

export function requireSecretKey(secretKey: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    if (!match || !secretKeyMatches(match[1], secretKey)) {
      throw new AppError('unauthorized', 'missing or wrong secret key: send Authorization: Bearer <TRIBUTARY_SECRET_KEY>');
    }
    next();
  };
}
