// Serves the console's built single-page app at /console: its files under /console/assets, index.html for every
// other page (the app routes itself), all under a strict Content-Security-Policy; a 503 page until it is built.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import express, { Router, type RequestHandler } from 'express';
import { AppError } from '../../errors/app-error';

/** No inline script or style, nothing from elsewhere, never framed (contract: docs/console-api.md). */
export const CONSOLE_CSP =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

/** Where `npm run build:console` (run by `npm ci`) puts the app, from the repository's root. */
export const DEFAULT_CONSOLE_DIR = join(__dirname, '..', '..', 'console', 'dist');

const consoleHeaders: RequestHandler = (_req, res, next) => {
  res.set({
    'Content-Security-Policy': CONSOLE_CSP,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
  });
  next();
};

// Plain HTML without style: the CSP allows no inline style, and without a build there is no stylesheet to link.
const NOT_BUILT_PAGE = `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>The console is not built</title></head>
<body>
<main>
<h1>The console is not built</h1>
<p>This API serves the console from <code>console/dist</code>, which does not exist. Build it with <code>npm ci</code>
(or <code>npm run build:console</code>) and reload this page.</p>
</main>
</body>
</html>
`;

/** `dir` holds index.html and assets/ (the console's build output); looked up per request, so a build shows up at once. */
export function consoleStaticRoutes(dir = DEFAULT_CONSOLE_DIR): Router {
  const router = Router();
  router.use('/console', consoleHeaders);
  router.use(
    '/console/assets',
    express.static(join(dir, 'assets'), { index: false, redirect: false, fallthrough: true, setHeaders: (res) => res.set('Cache-Control', 'no-cache') }),
  );
  // A missing file is a 404, not the app's page answered with the wrong type (nor a request for a key).
  router.use('/console/assets', (req) => {
    throw new AppError('not_found', `the console has no file ${req.path.slice(0, 200)}`);
  });
  // Middleware, not routes: the console's pages are files, not operations of the API's route table (and document).
  router.use('/console', (req, res, next) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return next();
    const index = join(dir, 'index.html');
    if (!existsSync(index)) return res.status(503).type('html').set('Cache-Control', 'no-store').send(NOT_BUILT_PAGE);
    res.set('Cache-Control', 'no-cache').sendFile(index);
  });
  return router;
}
