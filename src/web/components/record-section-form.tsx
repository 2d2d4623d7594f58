import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import { type FieldKey, type FieldPolicy, isFieldKey, type RecordField, type StoredValue } from '../../modules/households/record-fields.js';
import { usePage } from '../page-context.js';
import { DateInput, Input } from './dsfr/input.js';
import { RadioYesNo } from './dsfr/radio-yes-no.js';
import { Select } from './dsfr/select.js';
import { Textarea } from './dsfr/textarea.js';
import { choiceLabelKey, fieldLabel, formatRecordValue } from './record-value.js';

/** What an input shows for a stored value (the form's own spelling: 1234,50 for cents, grouped IBAN). */
export function inputText(def: RecordField, value: StoredValue): string {
  if (value === null) return '';
  if (def.kind === 'euros') return (Number(value) / 100).toFixed(2).replace('.', ',').replace(/,00$/, '');
  if (def.kind === 'iban') return String(value).replace(/(.{4})(?=.)/g, '$1 ');
  if (def.kind === 'date') return formatCalendarDate(String(value));
  if (def.kind === 'boolean') return value ? 'true' : 'false';
  return String(value);
}

export interface SectionFormProps {
  fields: RecordField[];
  /** What the inputs show: the stored values, or what the person typed before an error. */
  values: Record<string, string>;
  errors: Record<string, string | undefined>;
  /** Per field, whether the family's change applies at once; absent for staff (always direct). */
  policies?: Record<string, FieldPolicy>;
  /** Per field, the value of a request waiting for the service. */
  pending?: Record<string, StoredValue>;
  /** Put before each field's name when a form holds several people (`guardian.adult.email`); values and errors use the prefixed names. */
  prefix?: string;
}

/** The inputs of one section of the household record, each with its label, hint, error and policy. */
export function RecordSectionFields(props: SectionFormProps) {
  const { t, fmt } = usePage();
  return (
    <>
      {props.fields.map((def) => {
        const label = fieldLabel(t, def.key);
        const policy = props.policies?.[def.key];
        const pendingValue = props.pending?.[def.key];
        const notes = [
          policy ? t(policy === 'direct' ? 'record.direct' : 'record.byRequest') : '',
          pendingValue !== undefined ? t('record.pendingValue', { value: formatRecordValue(def, pendingValue, t, fmt.money) }) : '',
          def.kind === 'phone' ? t('hint.phone') : '',
          hintKeyOf(def) ? t(hintKeyOf(def)!) : def.kind === 'date' ? t('setup.dateHint') : '',
        ]
          .filter(Boolean)
          .join(' — ');
        const name = `${props.prefix ?? ''}${def.key}`;
        const common = { name, label, error: props.errors[name] };
        const value = props.values[name] ?? '';
        switch (def.kind) {
          case 'boolean':
            return <RadioYesNo key={def.key} {...common} hint={notes || undefined} value={value === '' ? null : value === 'true'} />;
          case 'choice':
            return (
              <div key={def.key}>
                <Select
                  {...common}
                  value={value}
                  required={def.required}
                  options={[{ value: '', label: '—' }, ...(def.choices ?? []).map((choice) => ({ value: choice, label: choiceText(t, def, choice) }))]}
                />
                {notes && <p class="fr-hint-text pf-field-note">{notes}</p>}
              </div>
            );
          case 'longtext':
            return <Textarea key={def.key} {...common} value={value} hint={notes || undefined} />;
          case 'date':
            return <DateInput key={def.key} {...common} value={value} hint={notes || undefined} required={def.required} autocomplete={AUTOCOMPLETE[def.key]} />;
          default:
            return (
              <Input
                key={def.key}
                {...common}
                value={value}
                hint={notes || undefined}
                required={def.required}
                maxLength={def.maxLength}
                type={def.kind === 'email' ? 'email' : def.kind === 'phone' ? 'tel' : 'text'}
                inputMode={def.kind === 'postcode' || def.kind === 'integer' ? 'numeric' : undefined}
                autocomplete={AUTOCOMPLETE[def.key]}
              />
            );
        }
      })}
    </>
  );
}

/** The fields whose input says how to write its value. */
const HINTS: Partial<Record<FieldKey, MessageKey>> = {
  'household.iban': 'hint.household.iban',
  'child.birth_date': 'hint.child.birth_date',
  'household.quotient_familial_date': 'hint.household.quotient_familial_date',
};

function hintKeyOf(def: RecordField): MessageKey | undefined {
  return isFieldKey(def.key) ? HINTS[def.key] : undefined;
}

function choiceText(t: (key: MessageKey) => string, def: RecordField, choice: string): string {
  const key = choiceLabelKey(def, choice);
  return key ? t(key) : choice;
}

const AUTOCOMPLETE: Record<string, string> = {
  'household.address_line1': 'address-line1',
  'household.address_line2': 'address-line2',
  'household.postcode': 'postal-code',
  'household.city': 'address-level2',
  'adult.first_name': 'given-name',
  'adult.last_name': 'family-name',
  'adult.email': 'email',
  'adult.mobile_phone': 'tel',
};
