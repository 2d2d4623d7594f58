import type { MessageKey } from '../../i18n/catalogue.js';
import type { Requirement } from '../../modules/document-space/requested-documents.js';
import type { DocumentProblem } from '../../modules/documents/documents.js';
import { TO_PROVIDE, type RequirementState } from '../../modules/document-space/validity.js';
import { Button } from './dsfr/button.js';
import { CsrfField } from './dsfr/csrf-field.js';
import { FileUpload } from './dsfr/file-upload.js';
import { Table } from './dsfr/table.js';
import { href, usePage } from '../page-context.js';
import { StatusBadge, type BadgeTone } from './status-badge.js';

/** The sentence of each problem of a file sent (none chosen, too large, neither a PDF nor an image). */
export const DOCUMENT_PROBLEM_KEYS: Record<DocumentProblem, MessageKey> = {
  missing: 'documentSpace.error.missing',
  too_large: 'document.error.too_large',
  type: 'document.error.type',
};

/** The upload field of a kind (and child): one per kind and child on a page, so each has its own name (and id). */
export function requirementField(typeId: string, childId?: string | null): string {
  return childId ? `fichier-${typeId}-${childId}` : `fichier-${typeId}`;
}

/** Where a kind asked of a household, or of one of its children, is sent: `<action>/<kind>[/<child>]`. */
export function requirementPath(action: string, requirement: Pick<Requirement, 'typeId' | 'child'>): string {
  return requirement.child ? `${action}/${requirement.typeId}/${requirement.child.id}` : `${action}/${requirement.typeId}`;
}

/** The kind's name, and the child's when it is asked per child: "Carnet de vaccinations — Léa MARTIN". */
export function requirementTitle(t: ReturnType<typeof usePage>['t'], requirement: Pick<Requirement, 'label' | 'child'>): string {
  return requirement.child ? t('documentSpace.forChild', { label: requirement.label, child: requirement.child.name }) : requirement.label;
}

const TONES: Record<RequirementState['kind'], BadgeTone> = { missing: 'warning', pending: 'new', refused: 'error', valid: 'success', expired: 'error' };

/** Where a household stands for a kind, in words (never by colour alone): "À fournir", "Refusé : motif", "Expiré le …". */
export function RequirementStatus(props: { state: RequirementState }) {
  const { t, fmt } = usePage();
  const { state } = props;
  const badge = (label: Parameters<typeof StatusBadge>[0]['label']) => <StatusBadge tone={TONES[state.kind]} label={label} />;
  switch (state.kind) {
    case 'missing':
      return badge('documentSpace.state.missing');
    case 'pending':
      return (
        <>
          {badge('documentSpace.state.pending')}
          <span class="fr-text--xs fr-ml-1w">{t('documentSpace.sentOn', { date: fmt.shortDate(state.sentAt) })}</span>
        </>
      );
    case 'refused':
      return (
        <>
          {badge('documentSpace.state.refused')}
          <p class="fr-text--sm fr-mb-0 fr-mt-1v">{t('documentSpace.refusedBecause', { reason: state.reason })}</p>
        </>
      );
    case 'valid':
      return (
        <>
          {badge('documentSpace.state.valid')}
          {state.validUntil && <span class="fr-text--xs fr-ml-1w">{t('documentSpace.validUntil', { date: fmt.day(state.validUntil) })}</span>}
        </>
      );
    case 'expired':
      return (
        <>
          {badge('documentSpace.state.expired')}
          <span class="fr-text--xs fr-ml-1w">{t('documentSpace.expiredOn', { date: fmt.day(state.expiredOn) })}</span>
        </>
      );
  }
}

/** How long a document of the kind stays valid, for the family choosing what to send. */
export function validityText(t: ReturnType<typeof usePage>['t'], requirement: Pick<Requirement, 'validity' | 'validityMonths'>): string | null {
  if (requirement.validity === 'school_year') return t('documentSpace.validity.schoolYear');
  if (requirement.validity === 'months') return t('documentSpace.validity.months', { months: requirement.validityMonths ?? 0 });
  return null;
}

/**
 * The documents asked of the family, each with its state and, when one is to be sent (missing,
 * refused, expired), a form to send it to `action/<kind>`; `errors` by kind, after a refused file.
 */
export function RequiredDocuments(props: {
  requirements: Requirement[];
  action: string;
  errors: Record<string, string | undefined>;
  itemHeading: 'h3' | 'h4';
}) {
  const page = usePage();
  const { t } = page;
  const Heading = props.itemHeading;
  if (props.requirements.length === 0) return <p>{t('documentSpace.noneAsked')}</p>;
  return (
    <ul class="fr-raw-list">
      {props.requirements.map((requirement) => {
        const validity = validityText(t, requirement);
        const field = requirementField(requirement.typeId, requirement.child?.id);
        const title = requirementTitle(t, requirement);
        return (
          <li key={field} class="pf-requirement fr-p-2w fr-mb-2w" id={`document-${field.slice('fichier-'.length)}`}>
            <Heading class="fr-h6 fr-mb-1w">{title}</Heading>
            <p class="fr-text--sm fr-mb-1w">
              {t('documentSpace.askedBy', { activities: requirement.activities.map((activity) => activity.name).join(', ') })}
              {validity && ` — ${validity}`}
            </p>
            <RequirementStatus state={requirement.state} />
            {TO_PROVIDE.includes(requirement.state.kind) && (
              <form method="post" action={href(page, requirementPath(props.action, requirement))} enctype="multipart/form-data" class="fr-mt-2w" novalidate>
                <CsrfField />
                <FileUpload name={field} label={t('documentSpace.fileOf', { label: title })} hint={t('documentSpace.fileHint')} error={props.errors[field]} />
                <Button icon="fr-icon-upload-line" class="fr-mt-1w">
                  {t('documentSpace.send')}
                  <span class="fr-sr-only"> — {title}</span>
                </Button>
              </form>
            )}
          </li>
        );
      })}
    </ul>
  );
}

/** For staff: the kinds asked of households, each with its state, the last file received and the activities asking for it. */
export function RequirementTable(props: { requirements: Requirement[]; caption: string; withHousehold: boolean }) {
  const page = usePage();
  const { t } = page;
  return (
    <Table caption={props.caption} noCaption focusableId="requirements-caption">
      <thead>
        <tr>
          {props.withHousehold && <th scope="col">{t('validations.household')}</th>}
          <th scope="col">{t('documentSpace.document')}</th>
          <th scope="col">{t('staffDocuments.state')}</th>
          <th scope="col">{t('staffDocuments.askedBy')}</th>
        </tr>
      </thead>
      <tbody>
        {props.requirements.map((requirement) => (
          <tr key={`${requirement.householdId}-${requirement.typeId}-${requirement.child?.id ?? ''}`}>
            {props.withHousehold && (
              <td>
                <a href={href(page, `/gestion/foyers/${requirement.householdId}#documents`)}>{requirement.householdName}</a>
              </td>
            )}
            <td>
              {requirementTitle(t, requirement)}
              {requirement.documentId && (
                <>
                  <br />
                  <a class="fr-text--sm" href={href(page, `/documents/${requirement.documentId}`)}>
                    {t('staffDocuments.household.lastSent')}
                    <span class="fr-sr-only"> — {requirementTitle(t, requirement)}</span>
                  </a>
                </>
              )}
            </td>
            <td>
              <RequirementStatus state={requirement.state} />
            </td>
            <td>{requirement.activities.map((activity) => activity.name).join(', ')}</td>
          </tr>
        ))}
      </tbody>
    </Table>
  );
}
