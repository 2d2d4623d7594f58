import { recordAudit } from '../audit/audit-log.js';
import { createHousehold } from './households.js';
import { fullName, personFullName } from '../person-name.js';
import { requestSignupChild } from './change-requests.js';
import { signupChildren } from './signup-children.js';
import { queueEmail } from '../notifications/outbox.js';
import type { Scope } from '../scope.js';
import { PAGES } from '../page-paths.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { email as checkEmail, optional, phone, postcode, required, type FieldError } from '../validation/fields.js';
import { createAccount } from '../identity/accounts.js';
import { composeEmail, type MailContext, type SecretMailContext } from '../notifications/compose-email.js';
import { sendFirstAccess } from '../identity/invitations.js';
import { may, refusal } from '../access.js';
import { accountIdOf } from '../actor.js';
import { sourcesOf } from '../state-machine.js';
import { ACCOUNT_REQUEST_MOVES } from '../identity/identity.tables.js';

export const ACCOUNT_REQUEST_FIELDS = ['civility', 'firstName', 'lastName', 'email', 'phone', 'address', 'postcode', 'city', 'children', 'message'] as const;
export type AccountRequestField = (typeof ACCOUNT_REQUEST_FIELDS)[number];
export type AccountRequestForm = Partial<Record<AccountRequestField, string>>;

export interface ValidAccountRequest {
  civility: 'mme' | 'm' | null;
  firstName: string;
  lastName: string;
  email: string;
  phone: string | null;
  address: string | null;
  postcode: string | null;
  city: string | null;
  children: string | null;
  message: string | null;
}

export type Validation<T, F extends string> = { ok: true; value: T } | { ok: false; errors: Partial<Record<F, FieldError>> };

export function validateAccountRequest(form: AccountRequestForm): Validation<ValidAccountRequest, AccountRequestField> {
  const checks = {
    firstName: required(form.firstName, 100),
    lastName: required(form.lastName, 100),
    email: checkEmail(form.email),
    phone: phone(form.phone),
    address: optional(form.address, 200),
    postcode: postcode(form.postcode),
    city: optional(form.city, 100),
    children: optional(form.children, 2000),
    message: optional(form.message, 2000),
  };
  const errors: Partial<Record<AccountRequestField, FieldError>> = {};
  for (const [name, check] of Object.entries(checks)) if (!check.ok) errors[name as AccountRequestField] = check.error;
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  const value = (name: keyof typeof checks) => (checks[name] as { ok: true; value: string | null }).value;
  return {
    ok: true,
    value: {
      civility: form.civility === 'mme' || form.civility === 'm' ? form.civility : null,
      firstName: value('firstName')!,
      lastName: value('lastName')!,
      email: value('email')!,
      phone: value('phone'),
      address: value('address'),
      postcode: value('postcode'),
      city: value('city'),
      children: value('children'),
      message: value('message'),
    },
  };
}

/**
 * Records a request for an account by someone the service does not know yet. The person is told by
 * email that it was received; if the address already has an account, its owner is told instead
 * (the page says the same in both cases, so addresses cannot be probed).
 */
export async function submitAccountRequest(scope: Scope, request: ValidAccountRequest, mail: MailContext): Promise<void> {
  const to = { address: request.email, name: fullName(request.firstName, request.lastName) };
  const existing = await scope.tx.selectFrom('accounts').select('id').where('email', '=', request.email).executeTakeFirst();
  if (existing) {
    await queueEmail(
      scope,
      composeEmail(mail, to, 'mail.signupExisting.subject', 'mail.signupExisting.body', { link: `${mail.baseUrl}${PAGES.forgottenPassword}` }),
    );
    return;
  }
  // A second request while one is pending replaces it: the person corrected something.
  await scope.tx.deleteFrom('account_requests').where('email', '=', request.email).where('status', '=', 'pending').execute();
  const row = await scope.tx
    .insertInto('account_requests')
    .values({
      tenant_id: scope.tenantId,
      email: request.email,
      civility: request.civility,
      first_name: request.firstName,
      last_name: request.lastName,
      phone: request.phone,
      address_line1: request.address,
      postcode: request.postcode,
      city: request.city,
      children: request.children,
      message: request.message,
      created_at: scope.now,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await queueEmail(scope, composeEmail(mail, to, 'mail.signupReceived.subject', 'mail.signupReceived.body'));
  await recordAudit(scope, { action: 'account_request.submitted', objectType: 'account_request', objectId: row.id, details: { email: request.email } });
}

export async function listAccountRequests(scope: Scope, status: 'pending' | 'decided') {
  if (!may(scope, 'service.read')) return [];
  let query = scope.tx
    .selectFrom('account_requests')
    .selectAll()
    .orderBy('created_at', status === 'pending' ? 'asc' : 'desc');
  query = status === 'pending' ? query.where('status', '=', 'pending') : query.where('status', '!=', 'pending').limit(100);
  return query.execute();
}

/** How many account requests wait for staff. */
export async function countPendingAccountRequests(scope: Scope): Promise<number> {
  if (!may(scope, 'service.read')) return 0;
  const row = await scope.tx
    .selectFrom('account_requests')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('status', '=', 'pending')
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/** The name of the person behind an account request, or null when there is none to the actor. */
export async function accountRequestName(scope: Scope, requestId: string): Promise<string | null> {
  if (!may(scope, 'service.read')) return null;
  const row = await scope.tx.selectFrom('account_requests').select(['first_name', 'last_name']).where('id', '=', requestId).executeTakeFirst();
  return row ? personFullName(row) : null;
}

export type Decision = { accept: true } | { accept: false; reason: string };
export type DecisionResult = 'done' | 'not_found' | 'already_decided' | 'reason_required' | 'forbidden';

/**
 * Staff accept or refuse a request. Accepting creates the household, its guardian and the account,
 * and sends the first access; refusing tells the person why. Each request is decided once, even if
 * two staff members click at the same moment.
 */
export async function decideAccountRequest(
  scope: Scope,
  requestId: string,
  decision: Decision,
  settings: TenantSettings,
  mail: SecretMailContext,
): Promise<DecisionResult> {
  if (!may(scope, 'service.manage')) return refusal(scope);
  if (!decision.accept && decision.reason.trim() === '') return 'reason_required';
  const request = await scope.tx
    .updateTable('account_requests')
    .set({
      status: decision.accept ? 'accepted' : 'refused',
      reason: decision.accept ? null : decision.reason.trim(),
      decided_by: accountIdOf(scope.actor),
      decided_at: scope.now,
    })
    .where('id', '=', requestId)
    .where('status', 'in', sourcesOf(ACCOUNT_REQUEST_MOVES, decision.accept ? 'accepted' : 'refused'))
    .returningAll()
    .executeTakeFirst();
  if (!request) {
    const exists = await scope.tx.selectFrom('account_requests').select('id').where('id', '=', requestId).executeTakeFirst();
    return exists ? 'already_decided' : 'not_found';
  }
  const name = personFullName(request);
  if (decision.accept) {
    const household = await createHousehold(scope, {
      name: `${request.last_name.toUpperCase()} ${request.first_name}`,
      addressLine1: request.address_line1 ?? undefined,
      postcode: request.postcode ?? undefined,
      city: request.city ?? undefined,
      members: [
        {
          role: 'guardian',
          person: {
            civility: request.civility,
            first_name: request.first_name,
            last_name: request.last_name.toUpperCase(),
            email: request.email,
            mobile_phone: request.phone,
          },
        },
      ],
    });
    const accountId = await createAccount(scope, {
      kind: 'family',
      householdId: household.householdId,
      personId: household.personIds[0]!,
      email: request.email,
      displayName: name,
    });
    await scope.tx.updateTable('account_requests').set({ account_id: accountId }).where('id', '=', requestId).execute();
    for (const child of signupChildren(request.children, request.last_name)) await requestSignupChild(scope, household.householdId, child);
    await sendFirstAccess(scope, accountId, settings, mail);
  } else {
    await queueEmail(
      scope,
      composeEmail(mail, { address: request.email, name }, 'mail.signupRefused.subject', 'mail.signupRefused.body', { reason: decision.reason.trim() }),
    );
  }
  await recordAudit(scope, {
    action: decision.accept ? 'account_request.accepted' : 'account_request.refused',
    objectType: 'account_request',
    objectId: requestId,
    details: decision.accept ? { email: request.email } : { email: request.email, reason: decision.reason.trim() },
  });
  return 'done';
}
