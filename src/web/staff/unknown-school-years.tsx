import { countKey } from '../../i18n/catalogue.js';
import { unknownSchoolYearBookingsOf } from '../../modules/calendar/school-years.js';
import { roleAtLeast } from '../../modules/actor.js';
import { Alert } from '../components/dsfr/alert.js';
import { fieldId } from '../components/dsfr/input.js';
import { href, usePage } from '../page-context.js';
import { AUTHORITY_PATH } from './authority-routes.js';
import { useCanChange } from './staff-access.js';

/**
 * The school years, current and next, whose holidays the portal lacks: what that means for the
 * families' bookings (the authority's choice), the way to import them, and for an administrator
 * the way to change that choice.
 */
export function UnknownSchoolYearsAlert(props: { years: number[] }) {
  const page = usePage();
  const { t, lang, viewer } = page;
  const canImport = useCanChange();
  if (props.years.length === 0) return null;
  const years = new Intl.ListFormat(lang === 'fr' ? 'fr-FR' : 'en-GB', { type: 'conjunction' }).format(props.years.map((year) => `${year}-${year + 1}`));
  const choice = unknownSchoolYearBookingsOf(page.tenant!.settings);
  const isAdmin = viewer?.staffRole ? roleAtLeast(viewer.staffRole, 'admin') : false;
  return (
    <Alert kind="warning" title={t('calendar.unknownYears.title')}>
      <p>{t(countKey(`calendar.unknownYears.${choice}`, props.years.length), { years })}</p>
      {canImport && (
        <p>
          <a class="fr-link fr-icon-upload-line fr-link--icon-left" href={href(page, '/gestion/calendrier/import')}>
            {t('calendar.import.link')}
          </a>
        </p>
      )}
      {isAdmin && (
        <p>
          <a class="fr-link" href={href(page, `${AUTHORITY_PATH}#${fieldId('unknownSchoolYearBookings')}`)}>
            {t('calendar.unknownYears.setting')}
          </a>
        </p>
      )}
    </Alert>
  );
}
