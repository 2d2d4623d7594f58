import type { Scope } from '../scope.js';
import type { TenantSettings } from '../tenancy/tenancy.tables.js';
import { updateTenantSettings } from '../tenancy/tenant-settings.js';
import { integer, type FieldError } from '../validation/fields.js';
import { DEFAULT_MAX_CHILD_AGE, policyOf, RECORD_FIELDS, type FieldPolicy } from './record-fields.js';
import { may } from '../access.js';

/**
 * What the tenant decides about the household record: per field, whether a family's change applies
 * at once or waits for staff, and the oldest age of a child the service takes. Admins only.
 */

export const MAX_CHILD_AGE_FIELD = 'maxChildAge';

export interface RecordSettings {
  policies: Record<string, FieldPolicy>;
  maxChildAge: number;
}

export function recordSettingsOf(settings: TenantSettings): RecordSettings {
  return {
    policies: Object.fromEntries(RECORD_FIELDS.map((def) => [def.key, policyOf(def, settings)])),
    maxChildAge: settings.maxChildAge ?? DEFAULT_MAX_CHILD_AGE,
  };
}

export async function saveRecordSettings(
  scope: Scope,
  form: Record<string, string | undefined>,
): Promise<{ kind: 'forbidden' } | { kind: 'invalid'; errors: Record<string, FieldError> } | { kind: 'saved'; settings: TenantSettings }> {
  if (!may(scope, 'service.administer')) return { kind: 'forbidden' };
  const errors: Record<string, FieldError> = {};
  const fieldPolicies: Record<string, FieldPolicy> = {};
  // The email is also the login: it always goes through the service, whatever is sent.
  for (const def of RECORD_FIELDS.filter((candidate) => !candidate.alwaysRequest)) {
    const chosen = form[def.key];
    if (chosen === 'direct' || chosen === 'request') fieldPolicies[def.key] = chosen;
    else errors[def.key] = 'choice';
  }
  const age = integer(form[MAX_CHILD_AGE_FIELD], 1, 30);
  const maxChildAge = age.ok ? age.value : null;
  if (maxChildAge === null) errors[MAX_CHILD_AGE_FIELD] = age.ok ? 'required' : age.error;
  if (maxChildAge === null || Object.keys(errors).length > 0) return { kind: 'invalid', errors };
  return { kind: 'saved', settings: await updateTenantSettings(scope, { fieldPolicies, maxChildAge }) };
}
