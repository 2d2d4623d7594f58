import type { ContactInput, FieldChanges, RequestPayload } from '../../modules/households/change-requests.js';
import type { ChangeRequestKind } from '../../modules/households/households.tables.js';
import { inRecordOrder, recordField, type StoredValue } from '../../modules/households/record-fields.js';
import { usePage } from '../page-context.js';
import { fieldLabel, RecordValue } from './record-value.js';

/** Each changed field as "Label : old → new", with the labels and formats of the record. */
export function FieldChangeList(props: { changes: FieldChanges }) {
  const { t } = usePage();
  return (
    <ul class="pf-compact-list">
      {inRecordOrder(props.changes).map(([key, change]) => {
        const def = recordField(key);
        if (!def) return null;
        return (
          <li key={key}>
            {fieldLabel(t, key)}
            {t('punct.colon')}
            <del>
              <RecordValue def={def} value={change.old} />
            </del>
            {' → '}
            <ins>
              <RecordValue def={def} value={change.new} />
            </ins>
          </li>
        );
      })}
    </ul>
  );
}

/** The fields of a person to be added, as "Label : value". */
function NewPersonFields(props: { fields: Record<string, StoredValue> }) {
  const { t } = usePage();
  return (
    <ul class="pf-compact-list">
      {inRecordOrder(props.fields).map(([key, value]) => {
        const def = recordField(key);
        return def ? (
          <li key={key}>
            {fieldLabel(t, key)}
            {t('punct.colon')}
            <RecordValue def={def} value={value} />
          </li>
        ) : null;
      })}
    </ul>
  );
}

export function ContactList(props: { contacts: ContactInput[] }) {
  const { t } = usePage();
  if (props.contacts.length === 0) return <p class="fr-text-mention--grey fr-mb-0">{t('children.contactsNone')}</p>;
  return (
    <ul class="pf-compact-list">
      {props.contacts.map((contact, index) => (
        <li key={index}>
          {contact.name}
          {contact.relationship && ` (${contact.relationship})`} — {contact.phone}
          {contact.canPickUp && ` — ${t('children.contactPickUp')}`}
          {contact.emergency && ` — ${t('children.contactEmergency')}`}
        </li>
      ))}
    </ul>
  );
}

/** What a request asks to change: old → new per field, the person to add, or the old and new contact lists. */
export function RequestChange(props: { kind: ChangeRequestKind; payload: RequestPayload }) {
  const { t } = usePage();
  const { payload } = props;
  if (props.kind === 'add_member' && 'role' in payload) {
    return (
      <>
        <p class="fr-mb-1v">{t(payload.role === 'child' ? 'staff.changes.newChild' : 'staff.changes.newPartner')}</p>
        <NewPersonFields fields={payload.fields} />
      </>
    );
  }
  if (props.kind === 'contacts' && 'new' in payload) {
    return (
      <div class="pf-change-lists">
        <p class="fr-mb-1v">{t('staff.changes.before')}</p>
        <ContactList contacts={payload.old} />
        <p class="fr-mb-1v">{t('staff.changes.after')}</p>
        <ContactList contacts={payload.new} />
      </div>
    );
  }
  if ('fields' in payload && !('role' in payload)) return <FieldChangeList changes={payload.fields} />;
  return null;
}
