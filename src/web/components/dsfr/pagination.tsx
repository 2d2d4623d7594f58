import { usePage } from '../../page-context.js';

/**
 * DSFR pagination: first, previous, the pages around the current one, next, last. `link(page)`
 * gives each page's address; the current page is marked for screen readers (aria-current).
 */
export function Pagination(props: { page: number; pages: number; link: (page: number) => string }) {
  const { t } = usePage();
  const { page, pages } = props;
  if (pages <= 1) return null;
  const around = [page - 2, page - 1, page, page + 1, page + 2].filter((number) => number >= 1 && number <= pages);
  const step = (number: number, kind: 'first' | 'prev' | 'next' | 'last', label: string) => {
    const className = `fr-pagination__link fr-pagination__link--${kind}${kind === 'prev' || kind === 'next' ? ' fr-pagination__link--lg-label' : ''}`;
    const disabled = kind === 'first' || kind === 'prev' ? page === 1 : page === pages;
    return disabled ? (
      // biome-ignore lint/a11y/useValidAnchor: DSFR's disabled pagination link is an <a> without href
      <a class={className} aria-disabled="true" role="link">
        {label}
      </a>
    ) : (
      <a class={className} href={props.link(number)}>
        {label}
      </a>
    );
  };
  return (
    <nav class="fr-pagination fr-my-3w" aria-label={t('registers.pagination')}>
      <ul class="fr-pagination__list">
        <li>{step(1, 'first', t('registers.first'))}</li>
        <li>{step(page - 1, 'prev', t('registers.previous'))}</li>
        {around.map((number) => (
          <li key={number}>
            <a
              class="fr-pagination__link"
              href={props.link(number)}
              title={t('registers.page', { page: number })}
              {...(number === page ? { 'aria-current': 'page' } : {})}
            >
              {number}
            </a>
          </li>
        ))}
        <li>{step(page + 1, 'next', t('registers.next'))}</li>
        <li>{step(pages, 'last', t('registers.last'))}</li>
      </ul>
    </nav>
  );
}
