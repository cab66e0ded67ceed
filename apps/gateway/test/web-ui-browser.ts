import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, BrowserContext, chromium, Page, Request } from 'playwright-core';
import { dataDir } from '@custos/testing';

/** Debian's chromium (scripts/test.sh installs it); CHROMIUM_PATH names another build. */
export function chromiumPath(): string {
  const path = process.env.CHROMIUM_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
  if (!path) throw new Error("no chromium found: install Debian's chromium (scripts/test.sh does) or set CHROMIUM_PATH");
  return path;
}

export async function launchChromium(): Promise<Browser> {
  // Chromium will not start its sandbox as root (CI containers run tests as root).
  return chromium.launch({ executablePath: chromiumPath(), headless: true, args: process.getuid?.() === 0 ? ['--no-sandbox'] : [] });
}

/** A signed-in browser: Basic credentials answered to the gateway's challenge, as a person's browser would. */
export function signedIn(browser: Browser, username: string, password: string): Promise<BrowserContext> {
  return browser.newContext({ httpCredentials: { username, password }, viewport: { width: 1400, height: 900 } });
}

/**
 * A page that records every request the UI makes that fails: any answer >= 400 and any request
 * that got no answer. A page is rendered correctly only when this stays empty.
 */
/**
 * The one request these pages may see fail, and only as this 404: the run page asks the registry
 * which model versions a run produced, and the registry's routes are not built yet (issue 19, which
 * makes the registry pages join this test). Any other answer to it, or any other failure, counts.
 */
const UNTIL_THE_REGISTRY = /^404 GET \/ajax-api\/2\.0\/mlflow\/model-versions\/search\?filter=run_id%3D%27[0-9a-f]{32}%27$/;

export async function watchedPage(context: BrowserContext): Promise<{ page: Page; failures: string[]; settled: () => Promise<void> }> {
  const page = await context.newPage();
  const failures: string[] = [];
  const where = (url: string) => url.replace(/^https?:\/\/[^/]+/, '');
  const calls = new Set<Request>();
  let lastStart = Date.now();
  page.on('request', (r) => {
    lastStart = Date.now();
    if (API_CALLS.has(r.resourceType())) calls.add(r);
  });
  page.on('requestfinished', (r) => calls.delete(r));
  page.on('response', (r) => {
    const line = `${r.status()} ${r.request().method()} ${where(r.url())}`;
    if (r.status() >= 400 && !UNTIL_THE_REGISTRY.test(line)) failures.push(line);
  });
  page.on('requestfailed', (r) => {
    calls.delete(r);
    failures.push(`no answer (${r.failure()?.errorText ?? 'failed'}) ${r.method()} ${where(r.url())}`);
  });
  // Not Playwright's `networkidle`: it never comes with this UI, whose telemetry SharedWorker
  // fetches its script in a target Playwright does not follow (the script loads; Playwright never
  // sees its answer). Settled here: none of the UI's API calls open and no request started lately.
  const settled = async () => {
    const deadline = Date.now() + SETTLE_LIMIT_MS;
    while (calls.size > 0 || Date.now() - lastStart < QUIET_MS) {
      if (Date.now() > deadline) throw new Error(`the page did not settle: still waiting for ${[...calls].map((r) => where(r.url())).join(', ')}`);
      await page.waitForTimeout(200);
    }
  };
  return { page, failures, settled };
}

const API_CALLS = new Set(['fetch', 'xhr', 'document', 'eventsource']);
const QUIET_MS = 2_000;
const SETTLE_LIMIT_MS = 60_000;

/** Screenshots are kept with the run's other results ($CUSTOS_DATA_DIR/results/web-ui). */
export async function keepScreenshot(page: Page, name: string): Promise<void> {
  const dir = join(dataDir(), 'results', 'web-ui');
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
