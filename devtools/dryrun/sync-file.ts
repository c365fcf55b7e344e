// Loads the sync a .sync.ts file defines, for a dry run of a sync the provider catalog does not list yet (--sync).
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { SyncDefinition } from '../../sync';
import { DryRunRefusedError } from './dry-run-errors';

/** What defineSync returns, recognised by shape: a file may export helpers, schemas and constants beside it. */
function isSyncDefinition(value: unknown): value is SyncDefinition {
  if (value === null || typeof value !== 'object') return false;
  const candidate = value as Partial<SyncDefinition>;
  return typeof candidate.model === 'string' && typeof candidate.fetchPages === 'function' && typeof candidate.idOf === 'function' && typeof candidate.schema?.safeParse === 'function';
}

/**
 * The file's sync for `model`: its only one, or the one of that model among several. Loaded by the running process
 * itself (tsx for the CLI), so it is the file's code as it is on disk now, which is the point of a dry run.
 */
export function loadSyncFile(file: string, model: string, cwd = process.cwd()): SyncDefinition {
  const path = resolve(cwd, file);
  if (!existsSync(path)) throw new DryRunRefusedError(`--sync ${file}: no such file (${path})`);
  let exports: Record<string, unknown>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a path known only at run time, loaded synchronously by tsx or jest's transform
    exports = require(path) as Record<string, unknown>;
  } catch (error) {
    throw new DryRunRefusedError(`--sync ${file} could not be loaded: ${(error as Error).message}`);
  }
  const syncs = Object.values(exports).filter(isSyncDefinition);
  if (syncs.length === 0) throw new DryRunRefusedError(`--sync ${file} exports no sync (a defineSync(…) value)`);
  const matching = syncs.filter((sync) => sync.model === model);
  if (matching.length === 1) return matching[0];
  const models = syncs.map((sync) => `"${sync.model}"`).join(', ');
  throw new DryRunRefusedError(`--sync ${file} defines ${matching.length > 1 ? `model "${model}" twice` : `${models}, not "${model}"`}`);
}
