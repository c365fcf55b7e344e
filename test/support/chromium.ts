// The browser the Playwright tests drive: Debian's Chromium, which .ci/run installs. Elsewhere a browser test says
// loudly why it did not run instead of failing on a missing browser; in CI a missing browser is an error.
import { existsSync } from 'node:fs';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** `describe`, or `describe.skip` with a warning naming the test when no Chromium is installed. */
export function describeWithChromium(testName: string): jest.Describe {
  if (existsSync(CHROMIUM)) return describe;
  if (process.env.CI) throw new Error(`Chromium not found at ${CHROMIUM}; .ci/run installs it with apt-get`);
  console.warn(`SKIPPED ${testName}: no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`);
  return describe.skip;
}
