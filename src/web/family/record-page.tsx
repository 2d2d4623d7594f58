import type { HouseholdMember } from '../../modules/households/household-record.js';
import { fieldsOf, type FieldPolicy, type RecordField, type RecordSection, type StoredValue } from '../../modules/households/record-fields.js';
import { fieldLabel, RecordValue } from '../components/record-value.js';
import { href, usePage } from '../page-context.js';
import { personFullName } from '../../modules/person-name.js';

/** One section of the record as read: its fields and values, pending requests, and a link to edit it. */
export function RecordSectionView(props: {
  section: RecordSection;
  values: (def: RecordField) => StoredValue;
  editPath: string;
  /** False for a read-only staff member: the section is shown without its "Modifier" link (it would answer 403). */
  editable?: boolean;
  pending?: Record<string, StoredValue> | undefined;
  policies: Record<string, FieldPolicy>;
  headingLevel?: 'h2' | 'h3';
  /** Whose section it is (a person's name), so that each person's "Identité" region has its own name. */
  whose?: string | undefined;
}) {
  const page = usePage();
  const { t } = page;
  const Heading = props.headingLevel ?? 'h3';
  const fields = fieldsOf(props.section);
  const headingId = `section-${props.section}-${props.editPath.replace(/\W/g, '')}`;
  return (
    <section class="pf-record-section fr-mb-4w" {...regionName(t(`section.${props.section}`), headingId, props.whose)}>
      <div class="pf-record-section__head">
        <Heading class="fr-h6 fr-mb-1w" id={headingId}>
          {t(`section.${props.section}`)}
        </Heading>
        {props.editable !== false && (
          <a class="fr-btn fr-btn--sm fr-btn--tertiary fr-icon-edit-line fr-btn--icon-left" href={href(page, props.editPath)}>
            {t('record.edit')}
            <span class="fr-sr-only">
              {' '}
              — {t(`section.${props.section}`)}
              {props.whose ? `, ${props.whose}` : ''}
            </span>
          </a>
        )}
      </div>
      <dl class="pf-record">
        {fields.map((def) => (
          <div class="pf-record__row" key={def.key}>
            <dt>{fieldLabel(t, def.key)}</dt>
            <dd>
              <RecordValue def={def} value={props.values(def)} />
              {props.pending?.[def.key] !== undefined && (
                <p class="fr-badge fr-badge--sm fr-badge--new fr-ml-1w">
                  {t('record.pending')}
                  {t('punct.colon')}
                  <RecordValue def={def} value={props.pending[def.key]!} />
                </p>
              )}
            </dd>
          </div>
        ))}
      </dl>
    </section>
  );
}

/**
 * The accessible name of a section of the record: its heading, or "Identité — Julien MARTIN" when
 * the page holds the same section for several people (axe: landmark-unique).
 */
export function regionName(title: string, headingId: string, whose: string | undefined): { 'aria-label'?: string; 'aria-labelledby'?: string } {
  return whose ? { 'aria-label': `${title} — ${whose}` } : { 'aria-labelledby': headingId };
}

/** A person's name as the record shows it: "Julien MARTIN". */
export function personName(member: HouseholdMember): string {
  return personFullName(member.person);
}

export function personValue(member: HouseholdMember) {
  return (def: RecordField): StoredValue => (member.person as unknown as Record<string, StoredValue>)[def.column] ?? null;
}
