import { canMove, type Transitions } from '../state-machine.js';
import type { MessageAuthor, ThreadState } from './messages.tables.js';

/**
 * The states of a thread in the service's inbox, and what moves it, in one place:
 * - new: the family wrote and nobody has taken it;
 * - in_progress: a colleague took it (assigned), or the family wrote again on a taken thread;
 * - answered: the service wrote last, the ball is in the family's court;
 * - closed: the service closed it. A new message from either side opens it again, since a family
 *   must never write into a void.
 */
export const THREAD_MOVES: Transitions<ThreadState> = {
  new: ['in_progress', 'answered', 'closed'],
  in_progress: ['new', 'answered', 'closed'],
  answered: ['new', 'in_progress', 'closed'],
  closed: ['new', 'in_progress', 'answered'],
};

export type ThreadEvent = { kind: 'message'; author: MessageAuthor } | { kind: 'assigned' } | { kind: 'closed' };

/** The state a thread goes to on an event; the same state when the event does not move it. */
export function nextThreadState(thread: { state: ThreadState; assignedTo: string | null }, event: ThreadEvent): ThreadState {
  const target = targetOf(thread, event);
  return target !== thread.state && canMove(THREAD_MOVES, thread.state, target) ? target : thread.state;
}

function targetOf(thread: { state: ThreadState; assignedTo: string | null }, event: ThreadEvent): ThreadState {
  switch (event.kind) {
    case 'message':
      if (event.author === 'service') return 'answered';
      return thread.assignedTo ? 'in_progress' : 'new';
    case 'assigned':
      // Taking a new thread starts work on it; an answered or closed one stays where it is.
      return thread.state === 'new' ? 'in_progress' : thread.state;
    case 'closed':
      return 'closed';
  }
}
