import { roleAtLeast } from '../../modules/actor.js';
import { usePage } from '../page-context.js';

/**
 * Whether the viewer may change what a staff page shows: every staff role but the read-only
 * "reader". The services refuse a reader's changes anyway; pages ask this one question so that
 * they never offer a link or button that would only answer 403.
 */
export function useCanChange(): boolean {
  const { viewer } = usePage();
  return viewer?.kind === 'staff' && viewer.staffRole !== null && roleAtLeast(viewer.staffRole, 'manager');
}
