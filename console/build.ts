// Builds the console (console/src) into console/dist with esbuild: a hashed script and stylesheet under assets/ (where
// the API serves the console's files) and the index.html naming them; `--watch` rebuilds on every change. Run by
// `npm run build:console`, and so by `npm ci` (prepare); `npm run dev` watches.
import { build, context, type BuildOptions, type Metafile, type Plugin } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

export const CONSOLE_ROOT = __dirname;
export const CONSOLE_DIST = join(CONSOLE_ROOT, 'dist');
/** Where the API serves the console; assets are named by absolute path so a deep link's page finds them too. */
const BASE_PATH = '/console';

export interface BuiltFile {
  /** Relative to console/dist. */
  file: string;
  bytes: number;
  gzipBytes: number;
}

export interface ConsoleBuild {
  files: BuiltFile[];
}

const options: BuildOptions = {
  entryPoints: { app: join(CONSOLE_ROOT, 'src', 'main.tsx') },
  bundle: true,
  format: 'esm',
  // Chromium, Firefox and Safari of the last few years; nothing older has to be served.
  target: ['es2022', 'chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  minify: true,
  sourcemap: 'linked',
  legalComments: 'linked',
  entryNames: 'assets/[name]-[hash]',
  outdir: CONSOLE_DIST,
  metafile: true,
  // The console never needs Node's globals; a stray reference fails the build instead of the page.
  platform: 'browser',
  logLevel: 'warning',
};

/** After each build: index.html with the hashed names, written last so a page never names a file not yet there. */
const writeIndexHtml: Plugin = {
  name: 'index-html',
  setup(pluginBuild) {
    pluginBuild.onStart(() => {
      rmSync(CONSOLE_DIST, { recursive: true, force: true });
      mkdirSync(CONSOLE_DIST, { recursive: true });
    });
    pluginBuild.onEnd((result) => {
      if (result.errors.length > 0 || !result.metafile) return;
      const outputs = Object.keys(result.metafile.outputs).map((path) => relative(CONSOLE_DIST, path));
      const script = outputs.find((file) => /^assets\/app-\w+\.js$/.test(file));
      const style = outputs.find((file) => /^assets\/app-\w+\.css$/.test(file));
      if (!script || !style) throw new Error(`console build: expected assets/app-*.js and assets/app-*.css, got ${outputs.join(', ')}`);
      const template = readFileSync(join(CONSOLE_ROOT, 'index.html'), 'utf8');
      const html = template.replace('%STYLE%', `${BASE_PATH}/${style}`).replace('%SCRIPT%', `${BASE_PATH}/${script}`);
      writeFileSync(join(CONSOLE_DIST, 'index.html'), html);
    });
  },
};

function describeOutputs(metafile: Metafile): BuiltFile[] {
  const files = Object.keys(metafile.outputs).map((path) => relative(CONSOLE_DIST, path));
  return [...files, 'index.html']
    .filter((file) => !file.endsWith('.map') && !file.endsWith('.LEGAL.txt'))
    .map((file) => {
      const content = readFileSync(join(CONSOLE_DIST, file));
      return { file, bytes: content.length, gzipBytes: gzipSync(content).length };
    });
}

export async function buildConsole(): Promise<ConsoleBuild> {
  const result = await build({ ...options, plugins: [writeIndexHtml] });
  return { files: describeOutputs(result.metafile as Metafile) };
}

/** Rebuilds on every change under console/src until the returned function is called. */
export async function watchConsole(onBuilt: (build: ConsoleBuild) => void = () => undefined): Promise<() => Promise<void>> {
  const announce: Plugin = {
    name: 'announce',
    setup(pluginBuild) {
      pluginBuild.onEnd((result) => {
        if (result.errors.length === 0 && result.metafile) onBuilt({ files: describeOutputs(result.metafile) });
      });
    },
  };
  const watching = await context({ ...options, plugins: [writeIndexHtml, announce] });
  await watching.watch();
  return () => watching.dispose();
}

function report({ files }: ConsoleBuild): string {
  const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;
  const total = files.reduce((sum, file) => sum + file.gzipBytes, 0);
  const lines = files.map((file) => `  ${basename(file.file).padEnd(24)} ${kb(file.bytes).padStart(9)}  (${kb(file.gzipBytes)} gzipped)`);
  return `console built into ${relative(process.cwd(), CONSOLE_DIST) || '.'}:\n${lines.join('\n')}\n  total ${kb(total)} gzipped\n`;
}

if (require.main === module) {
  const watch = process.argv.includes('--watch');
  const started = watch
    ? watchConsole((built) => process.stdout.write(report(built))).then(() => process.stdout.write('watching console/src for changes (Ctrl-C stops)\n'))
    : buildConsole().then((built) => process.stdout.write(report(built)));
  started.catch((error: unknown) => {
    process.stderr.write(`console build failed: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
