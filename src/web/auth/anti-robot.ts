import type { VNode } from 'preact';
import type { Scope } from '../../modules/scope.js';

/** The anti-robot check as the auth pages use it: a form field, and the server-side verification. */
export interface AntiRobot {
  /** `level`: how hard a challenge the widget fetches (0, the usual one, by default). */
  Field(props: { error?: string | undefined; level?: number | undefined }): VNode;
  /** True when `payload` is a fresh, correctly solved challenge of this tenant, at least `level` hard (single use). */
  verify(scope: Scope, payload: string | undefined, level?: number): Promise<boolean>;
}
