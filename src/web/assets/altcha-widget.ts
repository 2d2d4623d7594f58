// The anti-robot widget (ALTCHA web component), loaded only on pages that have one.
// Its "external" build is used: the default one injects a <style> element, which our
// Content-Security-Policy refuses, and bundles its workers as blob: URLs. The stylesheet is linked by
// the page (src/web/components/altcha-field.tsx) and the worker is served from /assets.
import 'altcha/external';
import 'altcha/i18n/fr-fr';
import type { AltchaGlobal } from 'altcha/types';

// The package declares this global in a file its own types cannot reach under NodeNext resolution.
declare global {
  var $altcha: AltchaGlobal;
}

/** Our challenges use SHA-256 only (src/modules/identity/altcha.ts). */
const ALGORITHM = 'SHA-256';

export function attachAltcha(): void {
  const workerUrl = document.querySelector<HTMLElement>('altcha-widget[data-worker]')?.dataset.worker;
  if (!workerUrl) return;
  globalThis.$altcha.algorithms.set(ALGORITHM, () => new Worker(workerUrl));
}
