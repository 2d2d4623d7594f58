import { emailHouseholdLink } from '../notifications/household-link-email.js';
import { PAGES, pagePath } from '../page-paths.js';
import type { Scope } from '../scope.js';

/**
 * The emails telling a household that something waits in its documents space: a file the service
 * added, or a document it sent that was refused. They carry neither the file, its title, nor the
 * reason: only a link, which asks to sign in.
 */
export async function tellHousehold(scope: Scope, householdId: string, what: 'added' | 'refused'): Promise<void> {
  await emailHouseholdLink(
    scope,
    householdId,
    what === 'added' ? 'mail.document.added.subject' : 'mail.document.refused.subject',
    what === 'added' ? 'mail.document.added.body' : 'mail.document.refused.body',
    pagePath(PAGES.documents),
  );
}
