import { href, usePage, type Viewer } from '../page-context.js';

/** Always visible in the family space, as in every portal families know: household, children, amount due. */
export function HouseholdSummary(props: { household: NonNullable<Viewer['household']> }) {
  const page = usePage();
  const { t, fmt } = page;
  const { household } = props;
  const colon = t('punct.colon');
  return (
    <aside class="pf-household fr-mb-4w" aria-label={t('layout.householdSummary')}>
      <p class="pf-household__item">
        <span class="fr-icon-home-4-line" aria-hidden="true"></span>{' '}
        <span class="fr-sr-only">
          {t('layout.household')}
          {colon}
        </span>
        <strong>{household.name}</strong>
      </p>
      <p class="pf-household__item">
        <span class="fr-icon-parent-line" aria-hidden="true"></span> {t('layout.children')}
        {colon}
        {household.children.length > 0 ? household.children.join(', ') : t('layout.noChildren')}
      </p>
      <p class="pf-household__item">
        <span class="fr-icon-money-euro-circle-line" aria-hidden="true"></span> {t('layout.amountDue')}
        {colon}
        <strong>{fmt.money(household.amountDueCents)}</strong>
      </p>
      <p class="pf-household__item">
        <span class="fr-icon-mail-line" aria-hidden="true"></span>{' '}
        <a href={href(page, '/messages')}>
          {t('messages.unreadSummary')}
          {colon}
          <strong>{household.unreadMessages}</strong>
        </a>
      </p>
    </aside>
  );
}
