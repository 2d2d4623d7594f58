import type { FastifyReply, FastifyRequest, preHandlerAsyncHookHandler } from 'fastify';
import { roleAtLeast } from '../modules/actor.js';
import type { StaffRole } from '../modules/identity/identity.tables.js';

/** Paths a person who must change a temporary password may still open. */
const ALLOWED_BEFORE_PASSWORD_CHANGE = new Set(['/mot-de-passe', '/deconnexion']);

function toLogin(request: FastifyRequest, reply: FastifyReply) {
  const back = encodeURIComponent(request.pathInTenant);
  return reply.redirect(`${request.base}/connexion?retour=${back}`);
}

/** The signed-in account, or a redirect to the login page; a temporary password must be changed first. */
function signedIn(kind: 'family' | 'staff' | 'any', minRole: StaffRole = 'reader'): preHandlerAsyncHookHandler {
  return async function guard(request, reply) {
    const session = request.session;
    if (!request.tenant) return reply.errorPage('notFound');
    if (!session) return toLogin(request, reply);
    if (session.awaitingSecondFactor) return reply.redirect(`${request.base}/connexion/code`);
    const path = request.pathInTenant.split('?')[0] ?? '/';
    if (session.account.mustChangePassword && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(path)) {
      return reply.redirect(`${request.base}/mot-de-passe`);
    }
    const { account } = session;
    // A family account on a staff page (or the reverse) is told the page does not exist.
    if (kind !== 'any' && account.kind !== kind) return reply.errorPage('notFound');
    if (kind === 'staff' && !roleAtLeast(account.staffRole ?? 'reader', minRole)) {
      return reply.errorPage('forbidden');
    }
  };
}

export const requireFamily = signedIn('family');
export const requireAccount = signedIn('any');
export const requireStaff = (minRole: StaffRole = 'reader') => signedIn('staff', minRole);
