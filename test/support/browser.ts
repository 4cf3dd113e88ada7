import fs from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { startHarness, type Harness } from './harness';

/** Debian's Chromium; the flags keep it off the network, which this project's machines do not reach. */
const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export const hasChromium = fs.existsSync(CHROMIUM_PATH);

/**
 * Browser suites run where Chromium is installed and are skipped elsewhere, except in CI, which
 * installs it: there a missing browser fails the run instead of hiding the suites.
 */
export const describeInBrowser: jest.Describe = hasChromium || process.env.CI ? describe : describe.skip;

export function launchChromium(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS });
}

/**
 * The service with its sandbox portal and one Chromium, started before a browser suite's tests and
 * closed after them. Read `h` and `browser` inside the tests: they are set once the suite starts.
 */
export function browserSuite(): { h: Harness; browser: Browser } {
  const suite = {} as { h: Harness; browser: Browser };
  beforeAll(async () => {
    suite.h = await startHarness();
    suite.browser = await launchChromium();
  });
  afterAll(async () => {
    await suite.browser?.close();
    await suite.h?.close();
  });
  return suite;
}
