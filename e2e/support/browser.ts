import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { freePort } from '../../test/support/free-port.js';
import { join } from 'node:path';
import { after, before, it, type TestContext } from 'node:test';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { DEMO_SLUG, ensureDemoAuthority } from '../../src/demo/demo-authority.js';
import type { Tenant } from '../../src/modules/tenancy/tenant-directory.js';
import { startTestPortal, type TestPortal, type TestPortalOptions } from '../../test/support/test-portal.js';

/**
 * Browser journeys: one portal per test file, listening on a free local port, driven by the
 * system's Chromium through playwright-core. Every page opened by a journey is watched: a console
 * error, an uncaught exception or a Content-Security-Policy violation fails the journey.
 */

/** Debian's Chromium; CHROMIUM_PATH overrides it (another build, or a missing path to try the skip). */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

/**
 * A journey that takes longer than this is stuck (a wait that never ends), not slow. The longest
 * journeys take 40 s on a quiet machine and over a minute on a shared, loaded two-core one.
 */
const JOURNEY_TIMEOUT_MS = 120_000;
/** How long a page load (or a whole page's screenshot) may take on a busy machine. */
export const PAGE_LOAD_MS = 30_000;

export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

const root = new URL('../../', import.meta.url).pathname;
export const SCREENSHOT_DIR = join(root, 'test-artifacts', 'screenshots');

/**
 * Why the journeys of this run cannot use a browser, or null when they can. Without Chromium the
 * journeys are skipped on a developer's machine, and fail in CI (env CI set), where a skip would
 * hide that nothing was tested.
 */
function missingBrowser(): { message: string; fail: boolean } | null {
  if (existsSync(CHROMIUM_PATH)) return null;
  const message = `browser journeys did NOT run: Chromium is not installed at ${CHROMIUM_PATH} (install it with \`sudo apt-get install chromium\`)`;
  return { message, fail: Boolean(process.env.CI) };
}

export interface OpenOptions {
  /** 'desktop' (1280×900, the default) or 'phone' (360×740, touch, device scale 2). */
  viewport?: 'desktop' | 'phone';
  /** false opens a context with JavaScript disabled, to check the pages work without it. */
  javaScript?: boolean;
}

export interface Visit {
  /** Where the portal listens, e.g. http://127.0.0.1:41234 (no trailing slash). */
  baseUrl: string;
  portal: TestPortal;
  /** The demo authority (Bellerive-sur-Loire), seeded before the file's journeys. */
  demo: Tenant;
  /** A new page in a fresh context (own cookies), watched for errors until the journey ends. */
  open(options?: OpenOptions): Promise<Page>;
}

interface Watched {
  page: Page;
  label: string;
  errors: string[];
  warnings: string[];
}

export interface BrowserSuite {
  /**
   * Declares one journey: a node:test test given a fresh Visit; skipped or failed without Chromium.
   * `timeoutMs` only for a journey that visits many pages by design (a sweep of every page).
   */
  journey(name: string, body: (visit: Visit, t: TestContext) => Promise<void>, options?: { timeoutMs?: number }): void;
}

/**
 * Registers before/after hooks that start a portal seeded with the demo authority and a Chromium,
 * and returns `journey` to declare the file's tests.
 */
export function browserSuite(options: TestPortalOptions & { seed?: (portal: TestPortal) => Promise<void> } = {}): BrowserSuite {
  const missing = missingBrowser();
  let portal: TestPortal | undefined;
  let browser: Browser | undefined;
  let baseUrl = '';
  let demo: Tenant | undefined;

  if (missing && !missing.fail) {
    console.log(`\n*** ${missing.message} ***\n`);
  } else if (!missing) {
    before(async () => {
      // PUBLIC_URL is the address the portal really listens on, so the links of its emails (read in
      // the back office's outbox) can be followed in the browser.
      const port = await freePort();
      portal = await startTestPortal({ ...options, env: { PUBLIC_URL: `http://127.0.0.1:${port}`, ...options.env } });
      await ensureDemoAuthority(portal.db, portal.clock.now(), portal.config);
      await portal.services.tenants.reload();
      demo = portal.services.tenants.all().find((tenant) => tenant.slug === DEMO_SLUG);
      assert.ok(demo, 'the demo authority was not seeded');
      await options.seed?.(portal);
      await portal.app.listen({ port, host: '127.0.0.1' });
      baseUrl = `http://127.0.0.1:${port}`;
      browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS, timeout: 30_000 });
    });
    after(async () => {
      await browser?.close();
      await portal?.close();
    });
  }

  return {
    journey(name, body, journeyOptions = {}) {
      if (missing && !missing.fail) {
        it(name, { skip: missing.message }, () => undefined);
        return;
      }
      it(name, { timeout: journeyOptions.timeoutMs ?? JOURNEY_TIMEOUT_MS }, async (t) => {
        if (missing) assert.fail(`${missing.message}; CI is set, so this counts as a failure`);
        assert.ok(browser && portal && demo, 'the browser suite did not start');
        const contexts: BrowserContext[] = [];
        const watched: Watched[] = [];
        const visit: Visit = {
          baseUrl,
          portal,
          demo,
          async open(openOptions = {}) {
            const phone = openOptions.viewport === 'phone';
            const context = await browser!.newContext({
              viewport: phone ? PHONE : DESKTOP,
              deviceScaleFactor: phone ? 2 : 1,
              isMobile: phone,
              hasTouch: phone,
              javaScriptEnabled: openOptions.javaScript ?? true,
              locale: 'fr-FR',
              timezoneId: 'Europe/Paris',
            });
            // An element is found at once or never; a page load on a busy machine can take seconds more.
            context.setDefaultTimeout(10_000);
            context.setDefaultNavigationTimeout(PAGE_LOAD_MS);
            contexts.push(context);
            const page = await context.newPage();
            if (openOptions.javaScript === false) withoutJavaScript.add(page);
            watched.push(watch(page, `${openOptions.viewport ?? 'desktop'}${openOptions.javaScript === false ? ', no JavaScript' : ''}`));
            return page;
          },
        };
        try {
          await body(visit, t);
        } finally {
          await Promise.all(contexts.map((context) => context.close()));
        }
        const warnings = watched.flatMap((entry) => entry.warnings.map((warning) => `[${entry.label}] ${warning}`));
        if (warnings.length > 0) t.diagnostic(`browser warnings (not failing):\n${warnings.join('\n')}`);
        const errors = watched.flatMap((entry) => entry.errors.map((error) => `[${entry.label}] ${error}`));
        assert.deepEqual(errors, [], `the browser reported errors (a CSP violation means the strict policy blocked something):\n${errors.join('\n')}`);
      });
    },
  };
}

/** Collects the console errors (CSP violations among them), warnings and uncaught exceptions of a page. */
function watch(page: Page, label: string): Watched {
  const entry: Watched = { page, label, errors: [], warnings: [] };
  page.on('console', (message) => {
    // A page answered with an error status on purpose (a form sent back with errors: 400, a used
    // link: 410, a locked login: 429) is what the journey checks, not a fault: Chromium still logs
    // it as an error. Any other resource that fails to load (a script, a stylesheet) stays an error.
    if (message.type() === 'error' && isDocumentStatus(message.text(), message.location().url, page.url())) {
      entry.warnings.push(`page answered with an error status at ${page.url()}: ${message.text()}`);
      return;
    }
    if (message.type() === 'error') entry.errors.push(`console error at ${page.url()}: ${message.text()}`);
    if (message.type() === 'warning') entry.warnings.push(`console warning at ${page.url()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => entry.errors.push(`uncaught exception at ${page.url()}: ${error.message}`));
  return entry;
}

function isDocumentStatus(text: string, resourceUrl: string, pageUrl: string): boolean {
  return /^Failed to load resource: the server responded with a status of [45]\d\d/.test(text) && resourceUrl === pageUrl;
}

/**
 * Saves a PNG to test-artifacts/screenshots/<name>.png (git-ignored) and returns its path: the whole
 * page, or only the screen with `{ fullPage: false }` (an open menu or dialog covers the screen).
 */
export async function screenshot(page: Page, name: string, options: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}.png`);
  // A whole phone page at twice the pixels takes seconds to capture on a busy machine, as a page load does.
  await page.screenshot({ path, fullPage: options.fullPage ?? true, animations: 'disabled', timeout: PAGE_LOAD_MS });
  return path;
}

interface AxeNode {
  target: unknown[];
  failureSummary?: string;
}
interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  helpUrl: string;
  nodes: AxeNode[];
}

let axeSource: string | undefined;
const withoutJavaScript = new WeakSet<Page>();

/** The page's address and DOM, read between two of its own navigations (a page that sends itself again). */
async function settledContent(page: Page): Promise<{ url: string; html: string }> {
  for (let attempt = 1; ; attempt++) {
    try {
      return { url: page.url(), html: await page.content() };
    } catch (error) {
      if (attempt === 5) throw error;
      await page.waitForLoadState('domcontentloaded');
    }
  }
}

/**
 * axe needs JavaScript (and timers, which do not run in a page whose JavaScript is disabled). A
 * page opened without JavaScript is checked through a mirror: its DOM served again at its URL, in
 * the same viewport, with every script answered empty, so the page looks exactly as it did.
 */
async function mirrorWithoutScripts(page: Page): Promise<{ page: Page; close(): Promise<void> }> {
  const browser = page.context().browser();
  assert.ok(browser, 'the page has no browser');
  const { url, html } = await settledContent(page);
  const context = await browser.newContext({ viewport: page.viewportSize() });
  await context.route('**/*', (route) => {
    const request = route.request();
    if (request.isNavigationRequest() && request.url() === url) return route.fulfill({ body: html, contentType: 'text/html; charset=utf-8' });
    if (request.resourceType() === 'script') return route.fulfill({ body: '', contentType: 'text/javascript' });
    return route.continue();
  });
  const mirror = await context.newPage();
  await mirror.goto(url);
  return { page: mirror, close: () => context.close() };
}

/**
 * Runs axe-core on the page and fails on any serious or critical violation, listing each rule, its
 * help text and the elements concerned. axe is evaluated through the DevTools protocol, which the
 * page's Content-Security-Policy does not govern: the policy stays on for the page's own scripts.
 */
export async function checkAccessibility(page: Page, label: string): Promise<void> {
  if (withoutJavaScript.has(page)) return withStillCopy(page, (copy) => runAxe(copy, label));
  return runAxe(page, label);
}

/**
 * Gives a still copy of the page (its DOM served again, scripts answered empty) to `look`: for a
 * page whose own script navigates on a timer (a booking sent again under a rush), which would cut a
 * screenshot or axe short.
 */
export async function withStillCopy(page: Page, look: (copy: Page) => Promise<void>): Promise<void> {
  const mirror = await mirrorWithoutScripts(page);
  try {
    await look(mirror.page);
  } finally {
    await mirror.close();
  }
}

async function runAxe(page: Page, label: string): Promise<void> {
  axeSource ??= readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
  const injected = await page.evaluate(() => typeof (window as unknown as { axe?: unknown }).axe !== 'undefined');
  if (!injected) await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run(context: unknown, options: unknown): Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run(document, { resultTypes: ['violations'] });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      helpUrl: violation.helpUrl,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
    }));
  });
  const blocking = violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
  const describe = (violation: AxeViolation) =>
    `  ${violation.impact} ${violation.id}: ${violation.help} (${violation.helpUrl})\n` +
    violation.nodes
      .map((node) => `    - ${JSON.stringify(node.target)}${node.failureSummary ? `\n      ${node.failureSummary.replace(/\n/g, '\n      ')}` : ''}`)
      .join('\n');
  const minor = violations.filter((violation) => !blocking.includes(violation));
  if (minor.length > 0) console.log(`axe, ${label}: minor findings (not failing)\n${minor.map(describe).join('\n')}`);
  assert.equal(blocking.length, 0, `axe found serious or critical violations on ${label} (${page.url()}):\n${blocking.map(describe).join('\n')}`);
}

/** Width the page can scroll to, to check nothing overflows the viewport sideways. */
export function scrollWidth(page: Page): Promise<number> {
  return page.evaluate(() => (document.scrollingElement ?? document.documentElement).scrollWidth);
}
