import { formatCalendarDate } from '../../modules/calendar/calendar-dates.js';
import type { MessageKey } from '../../i18n/catalogue.js';
import type { GuardianQuality } from '../../modules/households/households.tables.js';
import {
  CIVILITIES,
  CLASS_LEVELS,
  type FieldKey,
  isFieldKey,
  MARITAL_STATUSES,
  type RecordField,
  REGIMES,
  SEXES,
  type StoredValue,
} from '../../modules/households/record-fields.js';
import { usePage } from '../page-context.js';

/** A record field's label (`field.<key>`): the compiler checks that every field of the registry has one. */
export function fieldLabel(t: (key: MessageKey) => string, key: string): string {
  return isFieldKey(key) ? t(`field.${key}`) : key;
}

/** The labels of one field's choices, each key checked by the compiler against the catalogue. */
function choiceLabels<C extends string>(choices: readonly C[], key: (choice: C) => MessageKey): Readonly<Record<string, MessageKey>> {
  return Object.fromEntries(choices.map((choice) => [choice, key(choice)]));
}

/** The label of each choice of the registry's choice fields (civility, sex, marital status, regime, class). */
const CHOICE_LABELS: Partial<Record<FieldKey, Readonly<Record<string, MessageKey>>>> = {
  'adult.civility': choiceLabels(CIVILITIES, (choice) => `choice.civility.${choice}`),
  'adult.marital_status': choiceLabels(MARITAL_STATUSES, (choice) => `choice.marital.${choice}`),
  'household.regime': choiceLabels(REGIMES, (choice) => `choice.regime.${choice}`),
  'child.sex': choiceLabels(SEXES, (choice) => `choice.sex.${choice}`),
  'child.class_level': choiceLabels(CLASS_LEVELS, (choice) => `choice.class.${choice}`),
};

/** The catalogue key of a choice's label; none for a value the field does not offer. */
export function choiceLabelKey(def: RecordField, choice: string): MessageKey | undefined {
  return isFieldKey(def.key) ? CHOICE_LABELS[def.key]?.[choice] : undefined;
}

const QUALITY_LABELS: Readonly<Record<string, MessageKey>> = {
  mother: 'choice.quality.mother',
  father: 'choice.quality.father',
  guardian: 'choice.quality.guardian',
  other: 'choice.quality.other',
} satisfies Record<GuardianQuality, MessageKey>;

/** What a guardian is to the household's children (mother, father…), in words; the value itself if unknown. */
export function qualityLabel(t: (key: MessageKey) => string, quality: string): string {
  const key = QUALITY_LABELS[quality];
  return key ? t(key) : quality;
}

/** A stored record value as people read it: Oui/Non, labels, dd/mm/yyyy, euros, grouped IBAN. */
export function formatRecordValue(def: RecordField, value: StoredValue, t: (key: MessageKey) => string, money: (cents: number) => string): string {
  if (value === null || value === '') return t('value.empty');
  switch (def.kind) {
    case 'boolean':
      return t(value ? 'value.yes' : 'value.no');
    case 'choice': {
      const label = choiceLabelKey(def, String(value));
      return label ? t(label) : String(value);
    }
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
  return empty ? <span class="fr-text-mention--grey">{text}</span> : text;
}
