import { roleAtLeast, type Actor, type StaffRole } from './actor.js';
import type { Scope } from './scope.js';

/**
 * Who may do what, in one place. Every service function asks here, at its top, before touching
 * anything: a permission and the households concerned in, the households allowed out. Whatever is
 * not allowed is "not found" to the caller (a family cannot tell another household's record from a
 * missing one), except for staff who may see what they may not change: they are told "forbidden".
 * Tenants are apart already (row-level security): a permission speaks of one authority.
 */
interface Rule {
  /** A family account, on its own household only. */
  family?: 'own';
  /** Staff from this role up (read-only < manager < administrator). */
  staff?: StaffRole;
  /** The portal's own jobs (waiting lists, reminders, imports). */
  system?: true;
}

const RULES = {
  /** Read a household's record, its bookings, requests, plannings and documents. */
  'household.read': { family: 'own', staff: 'reader', system: true },
  /** Act for a household: book, cancel, enroll, declare an absence, apply for a lottery. */
  'household.act': { family: 'own', staff: 'manager', system: true },
  /** The household's private calendar feed: its family only. */
  'household.feed': { family: 'own' },
  /** Read the back office: lists, requests, set-up, places, attendance. */
  'service.read': { staff: 'reader', system: true },
  /** Run the service: decide requests, set up activities, take attendance, publish, read the outbox. */
  'service.manage': { staff: 'manager', system: true },
  /** Administer the authority: its settings and which record fields families change. */
  'service.administer': { staff: 'admin', system: true },
} satisfies Record<string, Rule>;

export type Permission = keyof typeof RULES;

/** Permissions over the whole service, not a household's. */
export type ServicePermission = Extract<Permission, `service.${string}`>;
export type HouseholdPermission = Exclude<Permission, ServicePermission>;

function allows(actor: Actor, rule: Rule, householdId: string | undefined): boolean {
  switch (actor.kind) {
    case 'family':
      return rule.family === 'own' && householdId !== undefined && actor.householdId === householdId;
    case 'staff':
      return rule.staff !== undefined && roleAtLeast(actor.role, rule.staff);
    case 'system':
      return rule.system === true;
    case 'anonymous':
      return false;
  }
}

/** The households among `householdIds` on which the actor holds `permission`; the others are not found to them. */
export function allowedHouseholds(scope: Pick<Scope, 'actor'>, permission: HouseholdPermission, householdIds: Iterable<string>): Set<string> {
  const rule: Rule = RULES[permission];
  return new Set([...householdIds].filter((id) => allows(scope.actor, rule, id)));
}

/** Whether the actor holds `permission` on one household, or over the service. */
export function may(scope: Pick<Scope, 'actor'>, permission: HouseholdPermission, householdId: string): boolean;
export function may(scope: Pick<Scope, 'actor'>, permission: ServicePermission): boolean;
export function may(scope: Pick<Scope, 'actor'>, permission: Permission, householdId?: string): boolean {
  return allows(scope.actor, RULES[permission], householdId);
}

/**
 * What a refused actor is told: staff who can read the back office are told "forbidden" (the page
 * exists, their role does not allow the change); everyone else is told "not found".
 */
export function refusal(scope: Pick<Scope, 'actor'>): 'forbidden' | 'not_found' {
  return may(scope, 'service.read') && scope.actor.kind === 'staff' ? 'forbidden' : 'not_found';
}
