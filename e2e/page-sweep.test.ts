import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { DEMO_BASE, demoPassword, logIn } from './support/account-steps.js';
import { browserSuite, checkAccessibility, scrollWidth } from './support/browser.js';

// Every page a person reaches by following links, on a phone: none overflows the screen sideways
// and none has a serious or critical axe finding. The pages are found by following the links of
// each page from the home page, as a visitor would (one page per kind: ids are folded together),
// so a new page is checked without this file naming it.
const { journey } = browserSuite();

const ADMIN = 'admin@example.org';
const CLAIRE = 'claire.martin@example.org';
/** Enough for every kind of page of the demo, and a bound should a link ever make new addresses forever. */
const MOST_PAGES = 160;
const SWEEP_TIMEOUT_MS = 10 * 60_000;

/** What a link's address stands for: ids and numbers folded, so a kind of page is visited once. */
function kindOf(path: string): string {
  return path.replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, ':id').replace(/\/\d[\d-]*(?=\/|$)/g, '/:n');
}

/** Pages reachable from `start` within `area`, found over HTTP with the page's session, in the order met. */
async function pagesUnder(page: Page, baseUrl: string, start: string, within: (path: string) => boolean): Promise<string[]> {
  const seen = new Set<string>([kindOf(start)]);
  const queue = [start];
  const found: string[] = [];
  while (queue.length > 0 && found.length < MOST_PAGES) {
    const path = queue.shift()!;
    const response = await page.context().request.get(`${baseUrl}${path}`, { maxRedirects: 0 });
    if (response.status() !== 200 || !(response.headers()['content-type'] ?? '').startsWith('text/html')) continue;
    found.push(path);
    for (const [, raw] of (await response.text()).matchAll(/<a [^>]*href="([^"#]+)/g)) {
      const link = new URL(raw!.replaceAll('&amp;', '&'), `${baseUrl}${path}`);
      if (link.origin !== baseUrl || !within(link.pathname) || /\.(csv|pdf|png|jpe?g)$|telecharger|deconnexion/.test(link.pathname)) continue;
      if (seen.has(kindOf(link.pathname))) continue;
      seen.add(kindOf(link.pathname));
      queue.push(link.pathname);
    }
  }
  return found;
}

/** Visits each page at 360 px and lists what is wrong with each: a sideways overflow, axe findings. */
async function problemsOf(page: Page, baseUrl: string, paths: string[]): Promise<string[]> {
  const problems: string[] = [];
  for (const path of paths) {
    await page.goto(`${baseUrl}${path}`);
    const width = await scrollWidth(page);
    if (width > 360) problems.push(`${path}: the page is ${width} px wide on a 360 px screen`);
    try {
      await checkAccessibility(page, path);
    } catch (error) {
      problems.push((error as Error).message.split('\n').slice(0, 6).join('\n'));
    }
  }
  return problems;
}

journey(
  'every page of the back office fits a phone and passes axe',
  async ({ baseUrl, open }) => {
    const phone = await open({ viewport: 'phone' });
    await logIn(phone, baseUrl, ADMIN, demoPassword(ADMIN), '/gestion');
    const paths = await pagesUnder(phone, baseUrl, `${DEMO_BASE}/gestion`, (path) => path.startsWith(`${DEMO_BASE}/gestion`));
    assert.ok(paths.length >= 40, `the sweep found the back office's pages (${paths.length})`);
    const problems = await problemsOf(phone, baseUrl, paths);
    assert.deepEqual(problems, [], `${problems.length} of ${paths.length} pages:\n${problems.join('\n')}`);
  },
  { timeoutMs: SWEEP_TIMEOUT_MS },
);

journey(
  'every page of the family space fits a phone and passes axe',
  async ({ baseUrl, open }) => {
    const phone = await open({ viewport: 'phone' });
    await logIn(phone, baseUrl, CLAIRE, demoPassword(CLAIRE), '/accueil');
    const paths = await pagesUnder(phone, baseUrl, `${DEMO_BASE}/accueil`, (path) => path.startsWith(DEMO_BASE) && !path.startsWith(`${DEMO_BASE}/gestion`));
    assert.ok(paths.length >= 15, `the sweep found the family's pages (${paths.length})`);
    const problems = await problemsOf(phone, baseUrl, paths);
    assert.deepEqual(problems, [], `${problems.length} of ${paths.length} pages:\n${problems.join('\n')}`);
  },
  { timeoutMs: SWEEP_TIMEOUT_MS },
);
