import { countKey, type Translate } from '../i18n/catalogue.js';

/** A wait before trying again, in words: seconds up to two minutes, then whole minutes. */
export function waitText(t: Translate, milliseconds: number): string {
  const seconds = Math.ceil(milliseconds / 1000);
  return seconds < 120
    ? t(countKey('wait.seconds', seconds), { count: seconds })
    : t(countKey('wait.minutes', Math.ceil(seconds / 60)), { count: Math.ceil(seconds / 60) });
}

/** The `Retry-After` header's value for that wait: whole seconds, at least one. */
export function retryAfterSeconds(milliseconds: number): string {
  return String(Math.max(1, Math.ceil(milliseconds / 1000)));
}
