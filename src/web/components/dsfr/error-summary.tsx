import { countKey } from '../../../i18n/catalogue.js';
import { usePage } from '../../page-context.js';
import { fieldId } from './input.js';

/**
 * The list of a form's errors at its top, each linked to its field; focused on load by the
 * enhancement script so that keyboard and screen-reader users land on it.
 */
export function ErrorSummary(props: { errors: Record<string, string | undefined>; labels: Record<string, string> }) {
  const { t } = usePage();
  const entries = Object.entries(props.errors).filter((entry): entry is [string, string] => Boolean(entry[1]));
  if (entries.length === 0) return null;
  return (
    <div class="fr-alert fr-alert--error fr-mb-3w" role="alert" tabIndex={-1} id="error-summary" data-focus-on-load>
      <h2 class="fr-alert__title">{t('form.errorSummaryTitle')}</h2>
      <p>{t(countKey('form.errorSummary', entries.length), { count: entries.length })}</p>
      <ul>
        {entries.map(([name, message]) => (
          <li key={name}>
            <a href={`#${fieldId(name)}`}>
              {props.labels[name] ?? name}
              {t('punct.colon')}
              {message}
            </a>
          </li>
        ))}
      </ul>
    </div>
  );
}
