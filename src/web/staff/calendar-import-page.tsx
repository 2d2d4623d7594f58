import type { ImportedPeriod, ImportPreview, SchoolHoliday } from '../../modules/calendar/school-holidays.js';
import { Alert } from '../components/dsfr/alert.js';
import { Button, ButtonLink } from '../components/dsfr/button.js';
import { CsrfField } from '../components/dsfr/csrf-field.js';
import { ErrorSummary } from '../components/dsfr/error-summary.js';
import { fieldId } from '../components/dsfr/input.js';
import { Select } from '../components/dsfr/select.js';
import { href, usePage } from '../page-context.js';
import { CALENDAR_PATH, CalendarTable, useDayFormat } from './calendar-pages.js';

export const IMPORT_PATH = `${CALENDAR_PATH}/import`;

/** Step 1: the file and the file's name for the tenant's zone. */
export function ImportUploadPage(props: { zone: string; zones: string[]; errors: { file?: string | undefined; zone?: string | undefined } }) {
  const page = usePage();
  const { t } = page;
  const id = fieldId('file');
  const labels = { file: t('calendar.import.file'), zone: t('calendar.import.zone') };
  return (
    <>
      <h1>{t('calendar.import.title')}</h1>
      <ErrorSummary errors={props.errors} labels={labels} />
      <p>{t('calendar.import.intro')}</p>
      <p>{t('calendar.import.columns')}</p>
      <form method="post" action={href(page, IMPORT_PATH)} enctype="multipart/form-data">
        {/* First, so that the anti-forgery token is read even when the file is too large. */}
        <CsrfField />
        <Select
          name="zone"
          label={labels.zone}
          value={props.zone}
          options={props.zones.map((zone) => ({ value: zone, label: zone }))}
          error={props.errors.zone}
          required
        />
        <div class={`fr-upload-group${props.errors.file ? ' fr-upload-group--error' : ''}`}>
          <label class="fr-label" for={id}>
            {labels.file} *
            <span class="fr-hint-text" id={`${id}-hint`}>
              {t('calendar.import.fileHint')}
            </span>
          </label>
          <input
            class="fr-upload"
            type="file"
            id={id}
            name="file"
            accept=".csv,text/csv"
            required
            aria-describedby={[props.errors.file ? `${id}-error` : '', `${id}-hint`].filter(Boolean).join(' ')}
            aria-invalid={props.errors.file ? 'true' : undefined}
          />
          {props.errors.file && (
            <p class="fr-error-text" id={`${id}-error`}>
              {props.errors.file}
            </p>
          )}
        </div>
        <ul class="fr-btns-group fr-btns-group--inline-md fr-mt-3w">
          <li>
            <Button icon="fr-icon-eye-line">{t('calendar.import.previewButton')}</Button>
          </li>
          <li>
            <ButtonLink href={href(page, CALENDAR_PATH)} variant="secondary">
              {t('calendar.cancel')}
            </ButtonLink>
          </li>
        </ul>
      </form>
    </>
  );
}

function PeriodRows(props: { periods: (ImportedPeriod | SchoolHoliday)[]; caption: string }) {
  const { t } = usePage();
  const day = useDayFormat();
  return (
    <CalendarTable caption={props.caption} headers={[t('calendar.field.name'), t('calendar.field.firstDay'), t('calendar.field.lastDay')]}>
      {props.periods.map((period) => (
        <tr key={`${period.name}|${period.firstDay}`}>
          <td>{period.name}</td>
          <td>{day(period.firstDay)}</td>
          <td>{day(period.lastDay)}</td>
        </tr>
      ))}
    </CalendarTable>
  );
}

/** Step 2: what the import will add, replace and keep; confirming sends the periods back. */
export function ImportPreviewPage(props: { preview: Extract<ImportPreview, { kind: 'preview' }>; fileZone: string }) {
  const page = usePage();
  const { t } = page;
  const { preview } = props;
  const years = [...new Set(preview.periods.map((period) => `${period.schoolYear}-${period.schoolYear + 1}`))].sort().join(', ');
  return (
    <>
      <h1>{t('calendar.import.previewTitle')}</h1>
      <Alert kind="info" title={t('calendar.import.summaryTitle')}>
        <ul>
          <li>{t('calendar.import.summaryAdded', { count: preview.periods.length, fileZone: props.fileZone, zone: preview.zone, years })}</li>
          <li>{t('calendar.import.summaryReplaced', { count: preview.replaced.length })}</li>
          <li>{t('calendar.import.summaryKept', { count: preview.kept.length })}</li>
          {preview.teacherRows > 0 && <li>{t('calendar.import.summaryTeachers', { count: preview.teacherRows })}</li>}
          {preview.skipped.length > 0 && (
            <li>
              {t('calendar.import.summarySkipped', {
                count: preview.skipped.length,
                lines: preview.skipped
                  .slice(0, 20)
                  .map((row) => row.line)
                  .join(', '),
              })}
            </li>
          )}
        </ul>
      </Alert>
      <h2>{t('calendar.import.added')}</h2>
      <PeriodRows periods={preview.periods} caption={t('calendar.import.added')} />
      {preview.replaced.length > 0 && (
        <>
          <h2>{t('calendar.import.replaced')}</h2>
          <PeriodRows periods={preview.replaced} caption={t('calendar.import.replaced')} />
        </>
      )}
      {preview.kept.length > 0 && (
        <>
          <h2>{t('calendar.import.kept')}</h2>
          <p>{t('calendar.import.keptIntro')}</p>
          <PeriodRows periods={preview.kept} caption={t('calendar.import.kept')} />
        </>
      )}
      <form method="post" action={href(page, `${IMPORT_PATH}/confirmation`)}>
        <CsrfField />
        <input type="hidden" name="zone" value={props.fileZone} />
        <input type="hidden" name="periods" value={JSON.stringify(preview.periods)} />
        <ul class="fr-btns-group fr-btns-group--inline-md fr-btns-group--icon-left">
          <li>
            <Button icon="fr-icon-check-line">{t('calendar.import.confirm')}</Button>
          </li>
          <li>
            <ButtonLink href={href(page, IMPORT_PATH)} variant="secondary">
              {t('calendar.import.again')}
            </ButtonLink>
          </li>
        </ul>
      </form>
    </>
  );
}
