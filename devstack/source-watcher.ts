// Watches the folders whose code the worker runs and reports each burst of saves once, after it settles.
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';

export interface SourceWatcherOptions {
  /** Absolute folder paths, watched with everything under them. */
  folders: string[];
  /** Called with the changed files (absolute, sorted) once no save came for `quietMs`. */
  onChange: (files: string[]) => void;
  /** An editor's save is several writes (a temp file, a rename, a chmod), and "save all" many: wait for quiet. */
  quietMs?: number;
}

export interface SourceWatcher {
  close(): void;
}

/** Source a worker loads; the rest (an editor's swap file, `4913`, a backup `~`) is not a change of code. */
const SOURCE_FILE = /\.(ts|mts|cts|js|mjs|cjs|json)$/;

export function watchSources({ folders, onChange, quietMs = 300 }: SourceWatcherOptions): SourceWatcher {
  const pending = new Set<string>();
  let timer: NodeJS.Timeout | undefined;
  const watchers: FSWatcher[] = [];
  for (const folder of folders.filter((path) => existsSync(path))) {
    const watcher = watch(folder, { recursive: true }, (_event, name) => {
      if (!name) return;
      const file = name.toString();
      if (!SOURCE_FILE.test(file) || file.split(/[\\/]/).some((part) => part === 'node_modules' || part.startsWith('.'))) return;
      pending.add(join(folder, file));
      clearTimeout(timer);
      timer = setTimeout(() => {
        const files = [...pending].sort();
        pending.clear();
        onChange(files);
      }, quietMs);
    });
    // A folder removed while watched ends its watcher; the others keep going.
    watcher.on('error', () => watcher.close());
    watchers.push(watcher);
  }
  return {
    close() {
      clearTimeout(timer);
      for (const watcher of watchers) watcher.close();
    },
  };
}
