import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator } from 'playwright-core';
import { SCREENSHOT_DIR } from './browser.js';

/** Where the journeys keep the PDFs they download (git-ignored, beside the screenshots). */
const PDF_DIR = join(SCREENSHOT_DIR, '..', 'pdf');

/**
 * Downloads what the link (or button) gives, keeps it in test-artifacts/pdf/ and renders its first
 * page to a PNG beside the screenshots, to be looked at (when pdftoppm is installed).
 */
export async function downloadPdf(link: Locator, name: string): Promise<{ fileName: string; bytes: Buffer; png: string | null }> {
  mkdirSync(PDF_DIR, { recursive: true });
  const [download] = await Promise.all([link.page().waitForEvent('download'), link.click()]);
  const path = join(PDF_DIR, `${name}.pdf`);
  await download.saveAs(path);
  const bytes = readFileSync(path);
  let png: string | null = null;
  if (existsSync('/usr/bin/pdftoppm')) {
    execFileSync('/usr/bin/pdftoppm', ['-png', '-r', '80', '-f', '1', '-l', '1', '-singlefile', path, join(SCREENSHOT_DIR, `${name}-page1`)]);
    png = join(SCREENSHOT_DIR, `${name}-page1.png`);
  }
  return { fileName: download.suggestedFilename(), bytes, png };
}
