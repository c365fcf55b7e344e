// ensureTemporalBinary builds a missing binary once with Go, even when asked twice at the same time, and says what failed.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { binaryCacheDir, ensureTemporalBinary } from '../../../devstack/binaries';

describe('ensureTemporalBinary without a cached binary', () => {
  const saved = { PATH: process.env.PATH, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME };
  let dir: string;
  let goCalls: string;

  // A stand-in `go` on an otherwise empty PATH: records each call and "installs" a script into GOBIN.
  const installFakeGo = (behaviour: 'builds' | 'fails') => {
    const fakeBin = join(dir, 'fake-bin');
    writeFileSync(
      join(dir, 'go-body.sh'),
      behaviour === 'builds'
        ? `/bin/sleep 1\n/bin/mkdir -p "$GOBIN"\nprintf '#!/bin/sh\\necho fake temporal\\n' > "$GOBIN/temporal"\n/bin/chmod +x "$GOBIN/temporal"\n`
        : `echo "go: github.com/temporalio/cli: no route to proxy" >&2\nexit 1\n`,
    );
    mkdirSync(fakeBin);
    writeFileSync(join(fakeBin, 'go'), `#!/bin/sh\necho "$*" >> "${goCalls}"\n. "${join(dir, 'go-body.sh')}"\n`);
    chmodSync(join(fakeBin, 'go'), 0o755);
    process.env.PATH = fakeBin;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'tributary-binaries-test-'));
    goCalls = join(dir, 'go-calls.txt');
    process.env.XDG_CACHE_HOME = join(dir, 'cache');
  });
  afterEach(() => {
    process.env.PATH = saved.PATH;
    process.env.XDG_CACHE_HOME = saved.XDG_CACHE_HOME;
    rmSync(dir, { recursive: true, force: true });
  });

  it('builds it once with go install into the per-user cache, even for two callers at once', async () => {
    installFakeGo('builds');
    const paths = await Promise.all([ensureTemporalBinary(), ensureTemporalBinary()]);
    const cached = join(dir, 'cache', 'tributary', 'bin', 'temporal');
    expect(binaryCacheDir()).toBe(join(dir, 'cache', 'tributary', 'bin'));
    expect(paths).toEqual([cached, cached]);
    expect(readFileSync(goCalls, 'utf8').trim().split('\n')).toEqual(['install github.com/temporalio/cli/cmd/temporal@v1.5.1']);
    expect(existsSync(`${cached}.lock`)).toBe(false);

    expect(await ensureTemporalBinary()).toBe(cached); // cached now: no more builds
    expect(readFileSync(goCalls, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('says which go command failed and why, and leaves no lock behind', async () => {
    installFakeGo('fails');
    await expect(ensureTemporalBinary()).rejects.toThrow(/go install github\.com\/temporalio\/cli\/cmd\/temporal@v1\.5\.1 failed[\s\S]*no route to proxy/);
    expect(existsSync(join(dir, 'cache', 'tributary', 'bin', 'temporal.lock'))).toBe(false);
  });
});
