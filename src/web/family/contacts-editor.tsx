import type { FastifyReply, FastifyRequest } from 'fastify';
import { changeChildContacts } from '../../modules/households/change-requests.js';
import { getHouseholdRecord, memberFor } from '../../modules/households/household-record.js';
import { Button } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { Input } from '../components/dsfr/input.js';
import { fieldMessages, formBody, refusedFields } from '../forms.js';
import { href, usePage } from '../page-context.js';
import { personName } from './record-page.js';
import type { RecordPlace } from './section-editor.js';

const CONTACT_ROWS = 5;

/** The form's French field names of a contact row (`contact.<row>.<name>`); the module's are English. */
const ROW_FIELDS = { name: 'nom', relationship: 'lien', phone: 'telephone', canPickUp: 'peutRecuperer', emergency: 'urgence' } as const;

/** A contact row's field as the form names it. */
function rowField(index: number, field: keyof typeof ROW_FIELDS): string {
  return `contact.${index}.${ROW_FIELDS[field]}`;
}

/**
 * Shows or saves a child's contacts (who may pick the child up, who to call in an emergency), on
 * the family's record or on a household's file in the back office: the module applies a staff
 * member's change at once and turns a family's into a request.
 */
export async function handleContactsEdit(request: FastifyRequest, reply: FastifyReply, place: RecordPlace, childId: string) {
  const { householdId } = place;
  const staff = request.session!.account.kind === 'staff';
  // First: an address its schema refused answers 404 (400 for a query) before anything is read.
  const refused = refusedFields(request);
  const isPost = request.method === 'POST';
  const form = isPost ? formBody(request) : {};
  const rows = Array.from({ length: CONTACT_ROWS }, (_, index) => ({
    name: form[rowField(index, 'name')],
    relationship: form[rowField(index, 'relationship')],
    phone: form[rowField(index, 'phone')],
    canPickUp: form[rowField(index, 'canPickUp')] === 'true',
    emergency: form[rowField(index, 'emergency')] === 'true',
  }));
  const outcome = await request.inScope(async (scope) => {
    const record = await getHouseholdRecord(scope, householdId);
    const child = record && memberFor(record, childId, 'child');
    if (!record || !child) return null;
    const saved = isPost && !refused ? await changeChildContacts(scope, { householdId, childId, rows }) : null;
    return { saved, child: personName(child), contacts: record.contacts.get(childId) ?? [] };
  });
  if (!outcome || outcome.saved?.kind === 'not_found') return reply.callNotFound();
  if (outcome.saved?.kind === 'saved') {
    const notice = outcome.saved.requested.length > 0 ? 'request' : outcome.saved.applied.length > 0 ? 'direct' : 'none';
    return reply.redirect(`${request.base}${place.backPath}?enregistre=${notice}#child-${childId}`);
  }
  const invalid = refused !== null || outcome.saved?.kind === 'invalid';
  const errors = refused ?? (outcome.saved?.kind === 'invalid' ? rowMessages(fieldMessages(request.t, outcome.saved.errors)) : {});
  const values = isPost
    ? rows
    : outcome.contacts.map((contact) => ({
        name: contact.name,
        relationship: contact.relationship ?? '',
        phone: contact.phone,
        canPickUp: contact.can_pick_up,
        emergency: contact.emergency,
      }));
  return reply.page(
    request.t('section.contacts'),
    <ContactsForm child={outcome.child} rows={values} errors={errors} staff={staff} backPath={place.backPath} />,
    invalid ? 400 : 200,
  );
}

/** The module's messages (`contact.<row>.name`, `contact.<row>.phone`) under the form's names. */
function rowMessages(messages: Record<string, string | undefined>): Record<string, string | undefined> {
  const named: Record<string, string | undefined> = {};
  for (let index = 0; index < CONTACT_ROWS; index++) {
    for (const field of ['name', 'phone'] as const) named[rowField(index, field)] = messages[`contact.${index}.${field}`];
  }
  return named;
}

interface ContactRow {
  name?: string | undefined;
  relationship?: string | undefined;
  phone?: string | undefined;
  canPickUp?: boolean | undefined;
  emergency?: boolean | undefined;
}

function ContactsForm(props: { child: string; rows: ContactRow[]; errors: Record<string, string | undefined>; staff: boolean; backPath: string }) {
  const page = usePage();
  const { t } = page;
  const rows = Array.from({ length: CONTACT_ROWS }, (_, index) => props.rows[index] ?? {});
  const labels: Record<string, string> = {};
  rows.forEach((_, index) => {
    labels[rowField(index, 'name')] = `${t('children.contactRow', { number: index + 1 })} — ${t('children.contactName')}`;
    labels[rowField(index, 'phone')] = `${t('children.contactRow', { number: index + 1 })} — ${t('children.contactPhone')}`;
  });
  return (
    <div class="fr-grid-row">
      <div class="fr-col-12 fr-col-lg-10">
        <h1>
          {t('section.contacts')} — {props.child}
        </h1>
        <ErrorSummary errors={props.errors} labels={labels} />
        {props.staff && <p class="fr-text--sm">{t('staff.household.editNote')}</p>}
        <p class="fr-hint-text">{t('children.contactsHint')}</p>
        <form method="post" novalidate>
          <CsrfField />
          {rows.map((row, index) => (
            <fieldset class="fr-fieldset pf-contact-row" key={index} aria-labelledby={`contact-legend-${index}`}>
              <legend class="fr-fieldset__legend" id={`contact-legend-${index}`}>
                {t('children.contactRow', { number: index + 1 })}
              </legend>
              <div class="fr-fieldset__element">
                <Input name={rowField(index, 'name')} label={t('children.contactName')} value={row.name} error={props.errors[rowField(index, 'name')]} />
              </div>
              <div class="fr-fieldset__element">
                <Input name={rowField(index, 'relationship')} label={t('children.contactRelationship')} value={row.relationship} />
              </div>
              <div class="fr-fieldset__element">
                <Input
                  name={rowField(index, 'phone')}
                  type="tel"
                  label={t('children.contactPhone')}
                  hint={t('hint.phone')}
                  value={row.phone}
                  error={props.errors[rowField(index, 'phone')]}
                />
              </div>
              {(['canPickUp', 'emergency'] as const).map((flag) => (
                <div class="fr-fieldset__element" key={flag}>
                  <div class="fr-checkbox-group">
                    <input type="checkbox" id={`contact-${index}-${flag}`} name={rowField(index, flag)} value="true" checked={row[flag] ?? false} />
                    <label class="fr-label" for={`contact-${index}-${flag}`}>
                      {t(flag === 'canPickUp' ? 'children.contactPickUp' : 'children.contactEmergency')}
                    </label>
                  </div>
                </div>
              ))}
            </fieldset>
          ))}
          <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
            <li>
              <Button icon="fr-icon-save-line">{t('record.save')}</Button>
            </li>
            <li>
              <a class="fr-btn fr-btn--secondary" href={href(page, props.backPath)}>
                {t('record.cancel')}
              </a>
            </li>
          </ul>
        </form>
      </div>
    </div>
  );
}
