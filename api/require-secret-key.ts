// Guards the management API: `Authorization: Bearer <one of the secret keys>`, compared in constant time.
import type { RequestHandler } from 'express';
import { AppError } from '../errors/app-error';
import { matchingKeyName, type NamedSecretKey } from '../security/secret-key';

/** Leaves the matching key's name in `res.locals.secretKeyName` for the request log. */
export function requireSecretKey(keys: readonly NamedSecretKey[]): RequestHandler {
  return (req, res, next) => {
    const header = req.get('authorization') ?? '';
    const match = /^Bearer (.+)$/.exec(header);
    const name = match ? matchingKeyName(match[1], keys) : null;
    if (name === null) {
      throw new AppError('unauthorized', 'missing or wrong secret key: send Authorization: Bearer <one of TRIBUTARY_SECRET_KEYS>');
    }
    res.locals.secretKeyName = name;
    next();
  };
}
