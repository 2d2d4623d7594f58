import type { VNode } from 'preact';
import type { Scope } from '../../modules/scope.js';

/** The anti-robot check as the auth pages use it: a form field, and the server-side verification. */
export interface AntiRobot {
  Field(props: { error?: string | undefined }): VNode;
  /** True when `payload` is a fresh, correctly solved challenge of this tenant (single use). */
  verify(scope: Scope, payload: string | undefined): Promise<boolean>;
}
