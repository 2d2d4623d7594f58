import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import type { RecordField, StoredValue } from '../../modules/households/record-fields.js';
import { usePage } from '../page-context.js';

/** The catalogue key of a choice's label (civility, sex, marital status, regime, class). */
export function choiceLabelKey(def: RecordField, choice: string): MessageKey {
  const group = def.column === 'marital_status' ? 'marital' : def.column === 'class_level' ? 'class' : def.column;
  return `choice.${group}.${choice}` as MessageKey;
}

/** A stored record value as people read it: Oui/Non, labels, dd/mm/yyyy, euros, grouped IBAN. */
export function formatRecordValue(def: RecordField, value: StoredValue, t: (key: MessageKey) => string, money: (cents: number) => string): string {
  if (value === null || value === '') return t('value.empty');
  switch (def.kind) {
    case 'boolean':
      return t(value ? 'value.yes' : 'value.no');
    case 'choice':
      return t(choiceLabelKey(def, String(value)));
    case 'date':
      return formatCalendarDate(String(value));
    case 'euros':
      return money(Number(value));
    case 'iban':
      return String(value).replace(/(.{4})(?=.)/g, '$1 ');
    default:
      return String(value);
  }
}

export function RecordValue(props: { def: RecordField; value: StoredValue }) {
  const { t, fmt } = usePage();
  const empty = props.value === null || props.value === '';
  const text = formatRecordValue(props.def, props.value, t, fmt.money);
  return empty ? <span class="fr-text-mention--grey">{text}</span> : <>{text}</>;
}
