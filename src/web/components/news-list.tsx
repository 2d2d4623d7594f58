import type { NewsItem } from '../../modules/news/news.js';
import { usePage } from '../page-context.js';

/** News as families read them, newest first: title, day of publication, text with its line breaks kept. */
export function NewsList(props: { items: NewsItem[]; headingLevel: 'h2' | 'h3' }) {
  const { t, fmt } = usePage();
  const Heading = props.headingLevel;
  return (
    <ul class="fr-raw-list">
      {props.items.map((item) => (
        <li key={item.id} class="fr-mb-3w">
          <article class="fr-callout fr-callout--blue-ecume" aria-labelledby={`news-${item.id}`}>
            <Heading class="fr-callout__title" id={`news-${item.id}`}>
              {item.title}
            </Heading>
            <p class="fr-text--sm fr-mb-1w">{t('news.publishedOn', { date: fmt.longDate(item.publishedAt) })}</p>
            <p class="fr-callout__text pf-pre">{item.body}</p>
          </article>
        </li>
      ))}
    </ul>
  );
}
