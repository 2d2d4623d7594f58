import type { Tx } from '../db/tenant-scope.js';
import type { Actor } from './actor.js';

/** What every service function receives first: the transaction (bound to one tenant), who acts, and when. */
export interface Scope {
  tx: Tx;
  tenantId: string;
  actor: Actor;
  now: Date;
  /**
   * The absolute address of the tenant's portal, when the work is done for a request or a job that
   * knows it: links in the emails it queues start here (without it they are paths only).
   */
  publicBase?: string;
  /** Told of side effects to start once the transaction commits (an email to send). */
  afterCommit?: (effect: 'email_queued') => void;
}
