/**
 * Debian's Chromium driven by playwright-core (`npx playwright install` cannot work here): launched with
 * the flags this machine's closed network needs. Without /usr/bin/chromium the browser suites show one
 * skipped test that says why (`.ci/run` installs it).
 */
import { mkdirSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { type Browser, type Page, chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = resolve(__dirname, '..', '..', '..', '..', '..', 'artifacts', 'screenshots');

export function hasChromium(): boolean {
  return existsSync(CHROMIUM);
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-quic', '--no-first-run', '--disable-component-update', '--disable-sync'],
  });
}

/** Saves a full-page screenshot of the current screen as artifacts/screenshots/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}

/** `describe` when Chromium is there; otherwise one visibly skipped test with the reason. */
export function describeInBrowser(name: string, body: () => void): void {
  if (hasChromium()) describe(name, body);
  else
    describe(name, () => {
      it.skip(`needs Chromium at ${CHROMIUM} (apt-get install -y chromium; .ci/run installs it)`, () => undefined);
      console.warn(`[browser tests] SKIPPED: no Chromium at ${CHROMIUM}`);
    });
}

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: Array<{ target: string[] }>;
}

/**
 * Runs axe-core (WCAG 2 A and AA rules: contrast, labels, roles, keyboard) on the page as it is and
 * returns the serious and critical violations, each with the elements it found.
 */
export async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: require.resolve('axe-core/axe.min.js') });
  const violations = (await page.evaluate(`axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa'] } }).then((r) => r.violations)`)) as AxeViolation[];
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).slice(0, 5).join(', ')}`);
}
